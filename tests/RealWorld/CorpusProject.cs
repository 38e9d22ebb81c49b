namespace TlsShutdown.RealWorld;

/// <summary>One line of projects.tsv: a public project pinned at a commit, and the folders of its shipping sources.</summary>
internal sealed record CorpusProject(string Name, string Repository, string Commit, IReadOnlyList<string> SourceFolders, bool UsesBouncyCastle, IReadOnlyList<string> Defines)
{
    /// <summary>Reads projects.tsv: name, repository URL, commit, source folders (comma-separated), bc (yes/no), extra defines.</summary>
    public static IReadOnlyList<CorpusProject> Load(string path) =>
        File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .Select(f => new CorpusProject(
                f[0],
                f[1],
                f[2],
                Split(f[3]),
                f.Length > 4 && f[4] == "yes",
                f.Length > 5 ? Split(f[5]) : []))
            .ToList();

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
