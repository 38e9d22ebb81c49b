using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TlsShutdown.Analyzers.Analysis;
using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Analysis;

/// <summary>
/// A type defined in two referenced assemblies (Portable.BouncyCastle and BouncyCastle.Cryptography both define
/// Org.BouncyCastle.Tls.TlsProtocol): GetTypeByMetadataName returns null then, and the rules must not switch off.
/// </summary>
public class KnownTypeTests
{
    private const string ProtocolName = "Org.BouncyCastle.Tls.TlsProtocol";

    [Fact]
    public async Task A_type_defined_in_two_references_is_found_in_both()
    {
        var compilation = CSharpCompilation.Create("App", [], [.. await DotNetReferencesAsync(), .. await TwoBouncyCastlesAsync()]);

        Assert.Null(compilation.GetTypeByMetadataName(ProtocolName));
        var all = KnownType.All(compilation, ProtocolName);
        Assert.Equal(["BouncyCastle.Cryptography", "Portable.BouncyCastle"], all.Select(t => t.ContainingAssembly.Name).Order());
        Assert.NotNull(KnownType.Any(compilation, ProtocolName));
    }

    [Fact]
    public async Task A_unique_type_and_a_missing_one_are_found_as_before()
    {
        var compilation = CSharpCompilation.Create("App", [], await DotNetReferencesAsync());

        Assert.Equal(compilation.GetTypeByMetadataName("System.Net.Security.SslStream"), Assert.Single(KnownType.All(compilation, "System.Net.Security.SslStream")));
        Assert.Empty(KnownType.All(compilation, ProtocolName));
        Assert.Null(KnownType.Any(compilation, ProtocolName));
    }

    [Fact]
    public async Task TLS008_still_reports_when_both_bouncy_castle_packages_are_referenced()
    {
        var test = new CSharpVerifier.Test(LanguageVersion.CSharp12);
        var references = await TwoBouncyCastlesAsync();
        test.TestState.AdditionalReferences.Add(references[0]);
        // The other package's copy is only reachable through an alias, as in a project that references both.
        test.TestState.AdditionalReferences.Add(references[1].WithAliases(["portable"]));
        test.TestState.Sources.Add("extern alias portable;\n" + CSharpVerifier.Usings + """
            using Org.BouncyCastle.Tls;

            class C
            {
                void Run(TcpClient tcp, TlsClient client)
                {
                    var protocol = new TlsClientProtocol(tcp.GetStream());
                    protocol.Connect(client);
                    {|TLS008:tcp.Close()|};
                }

                void Portable(TcpClient tcp, portable::Org.BouncyCastle.Tls.TlsClient client)
                {
                    var protocol = new portable::Org.BouncyCastle.Tls.TlsClientProtocol(tcp.GetStream());
                    protocol.Connect(client);
                    {|TLS008:tcp.Close()|};
                }
            }
            """);
        await test.RunAsync();
    }

    private static Task<ImmutableArray<MetadataReference>> DotNetReferencesAsync() =>
        CSharpVerifier.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);

    /// <summary>The BouncyCastle stub built twice, under the two packages' assembly names.</summary>
    private static async Task<MetadataReference[]> TwoBouncyCastlesAsync()
    {
        var dotnet = await DotNetReferencesAsync();
        return new[] { "BouncyCastle.Cryptography", "Portable.BouncyCastle" }.Select(name => Build(name, dotnet)).ToArray();
    }

    private static MetadataReference Build(string assemblyName, ImmutableArray<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(Stubs.BouncyCastle)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
