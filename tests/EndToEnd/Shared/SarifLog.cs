using System.Text.Json;

/// <summary>One result of a SARIF 2.1 log written by the compiler (<c>-p:ErrorLog=file,version=2.1</c>).</summary>
/// <param name="RuleId">The diagnostic ID, e.g. TLS001.</param>
/// <param name="FilePath">The local path of the file the result is in.</param>
/// <param name="StartLine">1-based, as SARIF counts.</param>
/// <param name="StartColumn">1-based.</param>
/// <param name="EndLine">1-based.</param>
/// <param name="EndColumn">1-based, exclusive.</param>
/// <param name="Level">error, warning, note or none.</param>
/// <param name="Message">The diagnostic's message.</param>
/// <param name="HelpUri">The rule's help link, from the log's rule table.</param>
/// <param name="Suppressed">Suppressed in source (#pragma, [SuppressMessage]): logged, not reported.</param>
internal sealed record SarifResult(
    string RuleId, string FilePath, int StartLine, int StartColumn, int EndLine, int EndColumn,
    string Level, string Message, string? HelpUri, bool Suppressed);

/// <summary>Reads the results of the compiler's SARIF 2.1 log: what the SDK build reported, to compare other
/// hosts of the analyzers with (tests/EndToEnd/run.sh).</summary>
internal static class SarifLog
{
    public static List<SarifResult> Read(string path)
    {
        var found = new List<SarifResult>();
        using JsonDocument log = JsonDocument.Parse(File.ReadAllText(path));
        foreach (JsonElement run in log.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out JsonElement results))
            {
                continue;
            }

            JsonElement[] rules = run.GetProperty("tool").GetProperty("driver").TryGetProperty("rules", out JsonElement table)
                ? [.. table.EnumerateArray()]
                : [];
            foreach (JsonElement result in results.EnumerateArray())
            {
                if (!result.TryGetProperty("locations", out JsonElement locations) || locations.GetArrayLength() == 0)
                {
                    continue;
                }

                JsonElement physical = locations[0].GetProperty("physicalLocation");
                JsonElement region = physical.GetProperty("region");
                int startLine = region.GetProperty("startLine").GetInt32();
                int startColumn = region.GetProperty("startColumn").GetInt32();
                string? helpUri = result.TryGetProperty("ruleIndex", out JsonElement index) && index.GetInt32() < rules.Length
                    && rules[index.GetInt32()].TryGetProperty("helpUri", out JsonElement help)
                    ? help.GetString()
                    : null;
                found.Add(new SarifResult(
                    result.GetProperty("ruleId").GetString()!,
                    new Uri(physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!).LocalPath,
                    startLine,
                    startColumn,
                    region.TryGetProperty("endLine", out JsonElement endLine) ? endLine.GetInt32() : startLine,
                    region.TryGetProperty("endColumn", out JsonElement endColumn) ? endColumn.GetInt32() : startColumn,
                    result.TryGetProperty("level", out JsonElement level) ? level.GetString()! : "warning",
                    result.GetProperty("message").GetProperty("text").GetString()!,
                    helpUri,
                    result.TryGetProperty("suppressions", out JsonElement suppressions) && suppressions.GetArrayLength() > 0));
            }
        }

        return found;
    }
}
