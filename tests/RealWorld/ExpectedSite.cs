namespace TlsShutdown.RealWorld;

/// <summary>
/// One close or handshake site of expected.tsv, read by hand. The verdict is a rule ID (a report with that
/// rule is wanted), <c>none</c> (the site is right as written: no report wanted) or <c>unknown</c> (the
/// source alone cannot tell; reports there count neither way).
/// </summary>
internal sealed record ExpectedSite(string Project, string File, int Line, int LastLine, string Verdict, string Member, string Note)
{
    /// <summary>A site spans lines when its connection ends in a few calls in a row (a report on any of them is the report).</summary>
    public bool Covers(string project, string file, int line) => project == Project && file == File && line >= Line && line <= LastLine;

    public bool WantsReport => Verdict.StartsWith("TLS", StringComparison.Ordinal);

    public bool IsUnknown => Verdict == "unknown";

    /// <summary>Reads expected.tsv: project, file, line (or first-last), verdict, member, note.</summary>
    public static IReadOnlyList<ExpectedSite> Load(string path) =>
        System.IO.File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .Select(f => (Fields: f, Lines: f[2].Split('-').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()))
            .Select(x => new ExpectedSite(x.Fields[0], x.Fields[1], x.Lines[0], x.Lines[^1], x.Fields[3], x.Fields.Length > 4 ? x.Fields[4] : "", x.Fields.Length > 5 ? x.Fields[5] : ""))
            .ToList();
}
