using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests;

/// <summary>Every descriptor has its page, its help link, its release-tracking entry; every page has its descriptor (IDisposableAnalyzers style).</summary>
public class DocumentationTests
{
    public static TheoryData<string> Ids { get; } = new(Descriptors().Select(d => d.Id));

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(TlsShutdown.Analyzers.Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id);

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors().Single(d => d.Id == id);

    [Fact]
    public void There_are_eight_rules_with_the_fixed_ids() =>
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"TLS00{i}"), Descriptors().Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_points_at_the_rule_page(string id) =>
        Assert.Equal($"https://github.com/tlsshutdown/tlsshutdown/blob/main/docs/rules/{id}.md", Descriptor(id).HelpLinkUri);

    [Theory]
    [MemberData(nameof(Ids))]
    public void Page_exists_and_starts_with_id_and_title(string id)
    {
        var path = RepositoryPaths.Combine("docs", "rules", id + ".md");
        Assert.True(File.Exists(path), path + " is missing");
        var firstLine = File.ReadLines(path).First();
        Assert.Equal($"# {id}: {Descriptor(id).Title}", firstLine);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Page_states_the_default_severity_and_has_the_required_sections(string id)
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "rules", id + ".md"));
        Assert.Contains($"| Severity | {Descriptor(id).DefaultSeverity} |", text);
        foreach (var section in new[] { "## What goes wrong on the wire", "## Bad", "## Good", "## Configure or suppress", "## When ignoring it is right" })
        {
            Assert.Contains(section, text);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Release_tracking_lists_the_rule_with_its_severity(string id)
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Matches(new Regex($@"^{id} \| Reliability \| {Descriptor(id).DefaultSeverity} \|", RegexOptions.Multiline), text);
    }

    [Fact]
    public void Every_page_has_a_descriptor()
    {
        var pages = Directory.GetFiles(RepositoryPaths.Combine("docs", "rules"), "TLS*.md").Select(Path.GetFileNameWithoutExtension).Order();
        Assert.Equal(Descriptors().Select(d => d.Id), pages);
    }

    [Fact]
    public void Every_rule_has_one_analyzer_and_warnings_except_tls007()
    {
        var supported = CSharpVerifier.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Order();
        Assert.Equal(Descriptors().Select(d => d.Id), supported);
        Assert.All(Descriptors(), d => Assert.Equal(d.Id == "TLS007" ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning, d.DefaultSeverity));
    }
}
