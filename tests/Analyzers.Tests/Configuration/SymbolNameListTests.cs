using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TlsShutdown.Analyzers.Configuration;
using TlsShutdown.Analyzers.Tests.Verifiers;

namespace TlsShutdown.Analyzers.Tests.Configuration;

/// <summary>How an option value names methods and types.</summary>
public class SymbolNameListTests
{
    private const string Source = """
        namespace MyLib.Net
        {
            public class Conn
            {
                public Conn(System.IO.Stream s) { }
                public void CloseGracefully(System.Net.Security.SslStream s) { }
                public void CloseGracefully(System.Net.Security.SslStream s, int seconds) { }
                public class Inner { public void CloseGracefully() { } }
            }

            public class Other { public void CloseGracefully() { } }
        }
        """;

    private static async Task<(SymbolNameList List, Func<string, ISymbol> Find)> ParseAsync(string value)
    {
        var references = await CSharpVerifier.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var compilation = CSharpCompilation.Create("Lib", [CSharpSyntaxTree.ParseText(Source)], references);
        ISymbol Find(string id) => DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation)!;
        return (SymbolNameList.Parse([value], compilation), Find);
    }

    [Fact]
    public async Task A_documentation_id_names_one_overload()
    {
        var (list, find) = await ParseAsync("M:MyLib.Net.Conn.CloseGracefully(System.Net.Security.SslStream)");
        Assert.True(list.Contains(find("M:MyLib.Net.Conn.CloseGracefully(System.Net.Security.SslStream)")));
        Assert.False(list.Contains(find("M:MyLib.Net.Conn.CloseGracefully(System.Net.Security.SslStream,System.Int32)")));
    }

    [Theory]
    [InlineData("MyLib.Net.Conn.CloseGracefully")]
    [InlineData("Net.Conn.CloseGracefully")]
    [InlineData("Conn.CloseGracefully")]
    [InlineData(" Unknown.Thing |Conn.CloseGracefully ")]
    public async Task A_plain_name_names_every_overload_and_may_leave_out_the_namespace(string value)
    {
        var (list, find) = await ParseAsync(value);
        Assert.True(list.Contains(find("M:MyLib.Net.Conn.CloseGracefully(System.Net.Security.SslStream)")));
        Assert.True(list.Contains(find("M:MyLib.Net.Conn.CloseGracefully(System.Net.Security.SslStream,System.Int32)")));
        Assert.False(list.Contains(find("M:MyLib.Net.Other.CloseGracefully")));
        Assert.False(list.Contains(find("M:MyLib.Net.Conn.Inner.CloseGracefully")));
    }

    [Theory]
    [InlineData("MyLib.Net.Conn..ctor")]
    [InlineData("M:MyLib.Net.Conn..ctor(System.IO.Stream)")]
    public async Task Constructors_are_written_dot_ctor(string value)
    {
        var (list, find) = await ParseAsync(value);
        Assert.True(list.Contains(find("M:MyLib.Net.Conn.#ctor(System.IO.Stream)")));
    }

    [Fact]
    public async Task Types_cover_their_nested_types()
    {
        var (list, find) = await ParseAsync("T:MyLib.Net.Conn");
        Assert.True(list.ContainsTypeOrOuter((INamedTypeSymbol)find("T:MyLib.Net.Conn.Inner")));
        Assert.False(list.ContainsTypeOrOuter((INamedTypeSymbol)find("T:MyLib.Net.Other")));
    }

    [Fact]
    public async Task An_empty_value_names_nothing()
    {
        var (list, find) = await ParseAsync(" | ");
        Assert.True(list.IsEmpty);
        Assert.False(list.Contains(find("T:MyLib.Net.Conn")));
    }
}
