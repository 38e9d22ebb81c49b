using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// The types the analysis needs, resolved once per compilation by metadata name (<see cref="KnownType"/>: a type
/// defined in two referenced assemblies still counts). A missing type just
/// switches off what depends on it; when no TLS stream type exists at all, nothing is registered.
/// </summary>
internal sealed class TlsTypes
{
    private TlsTypes(Compilation compilation)
    {
        SslStreams = KnownType.All(compilation, "System.Net.Security.SslStream");
        TlsEngineStreams = KnownType.All(compilation, "TlsShutdown.TlsEngineStream");
        BouncyCastleProtocols = KnownType.All(compilation, "Org.BouncyCastle.Tls.TlsProtocol");
        GracefulTlsClose = KnownType.Any(compilation, "TlsShutdown.GracefulTlsClose");
        Stream = KnownType.Any(compilation, "System.IO.Stream");
        NetworkStream = KnownType.Any(compilation, "System.Net.Sockets.NetworkStream");
        Socket = KnownType.Any(compilation, "System.Net.Sockets.Socket");
        TcpClient = KnownType.Any(compilation, "System.Net.Sockets.TcpClient");
        CancellationToken = KnownType.Any(compilation, "System.Threading.CancellationToken");
        CancellationTokenSource = KnownType.Any(compilation, "System.Threading.CancellationTokenSource");
        Task = KnownType.Any(compilation, "System.Threading.Tasks.Task");
        TimeSpan = KnownType.Any(compilation, "System.TimeSpan");
        LingerOption = KnownType.Any(compilation, "System.Net.Sockets.LingerOption");
        TextReader = KnownType.Any(compilation, "System.IO.TextReader");
        TextWriter = KnownType.Any(compilation, "System.IO.TextWriter");
        BinaryReader = KnownType.Any(compilation, "System.IO.BinaryReader");
        BinaryWriter = KnownType.Any(compilation, "System.IO.BinaryWriter");
        var bodies = new SourceBodies(compilation);
        AwaitWrappers = new AwaitWrappers(this, bodies);
        OwningStreams = new OwningStreamTypes(this, bodies);
    }

    // The TLS stream types, each with every definition the compilation sees (see KnownType).
    public ImmutableArray<INamedTypeSymbol> SslStreams { get; }
    public ImmutableArray<INamedTypeSymbol> TlsEngineStreams { get; }
    public ImmutableArray<INamedTypeSymbol> BouncyCastleProtocols { get; }
    public INamedTypeSymbol? GracefulTlsClose { get; }
    public INamedTypeSymbol? Stream { get; }
    public INamedTypeSymbol? NetworkStream { get; }
    public INamedTypeSymbol? Socket { get; }
    public INamedTypeSymbol? TcpClient { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? CancellationTokenSource { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TimeSpan { get; }
    public INamedTypeSymbol? LingerOption { get; }
    public INamedTypeSymbol? TextReader { get; }
    public INamedTypeSymbol? TextWriter { get; }
    public INamedTypeSymbol? BinaryReader { get; }
    public INamedTypeSymbol? BinaryWriter { get; }

    /// <summary>The compilation's own extension methods that only configure awaiting a task.</summary>
    public AwaitWrappers AwaitWrappers { get; }

    /// <summary>The compilation's own Stream subclasses that own the stream they wrap.</summary>
    public OwningStreamTypes OwningStreams { get; }

    /// <summary>Returns null when the compilation can hold no TLS stream: the analyzers then register nothing.</summary>
    public static TlsTypes? TryCreate(Compilation compilation)
    {
        var types = new TlsTypes(compilation);
        return types.SslStreams.IsDefaultOrEmpty && types.TlsEngineStreams.IsDefaultOrEmpty && types.BouncyCastleProtocols.IsDefaultOrEmpty ? null : types;
    }

    // Asked for the type of every operation of every method (the cheap gate): worth a cache.
    private readonly ConcurrentDictionary<ITypeSymbol, TlsKind> _kinds = new(SymbolEqualityComparer.Default);

    public TlsKind KindOf(ITypeSymbol? type)
    {
        // Only classes can be TLS streams; primitives, strings, structs, arrays, type parameters never are.
        if (type is null || type.TypeKind != TypeKind.Class || type.SpecialType != SpecialType.None) return TlsKind.None;
        return _kinds.GetOrAdd(type, t => ComputeKind(t));
    }

    private TlsKind ComputeKind(ITypeSymbol type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (IsOneOf(t, SslStreams)) return TlsKind.SslStream;
            if (IsOneOf(t, TlsEngineStreams)) return TlsKind.TlsEngineStream;
            if (IsOneOf(t, BouncyCastleProtocols)) return TlsKind.BouncyCastle;
        }

        return TlsKind.None;
    }

    private static bool IsOneOf(INamedTypeSymbol type, ImmutableArray<INamedTypeSymbol> candidates) =>
        !candidates.IsDefault && candidates.Contains(type, SymbolEqualityComparer.Default);

    public bool IsTls(ITypeSymbol? type) => KindOf(type) != TlsKind.None;

    /// <summary>Types that can hold a TLS stream without saying so: <c>Stream s = ssl</c>, <c>object o</c>, interfaces.</summary>
    public bool CanHoldTls(ITypeSymbol? type) =>
        type is not null && (IsTls(type) || type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Interface
            || (Stream is not null && SymbolEqualityComparer.Default.Equals(type, Stream)));

    /// <summary>Socket, TcpClient, NetworkStream: what sits beneath a TLS stream.</summary>
    public bool IsTransport(ITypeSymbol? type) =>
        DerivesFrom(type, Socket) || DerivesFrom(type, TcpClient) || DerivesFrom(type, NetworkStream);

    /// <summary>Wrappers that close the stream they are given unless told to leave it open (the framework's, and the compilation's own Stream subclasses that do).</summary>
    public bool IsOwningWrapper(ITypeSymbol? type) =>
        DerivesFrom(type, TextReader) || DerivesFrom(type, TextWriter) || DerivesFrom(type, BinaryReader) || DerivesFrom(type, BinaryWriter)
        || (type?.Name is "BufferedStream" or "GZipStream" or "DeflateStream" or "BrotliStream" && DerivesFrom(type, Stream))
        || OwningStreams.Owns(type);

    /// <summary>Whether a field of this type deserves a look for class-level facts.</summary>
    public bool IsInteresting(ITypeSymbol? type) =>
        type is { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Interface }
        && _interesting.GetOrAdd(type, t => IsTls(t) || IsTransport(t) || DerivesFrom(t, Stream) || IsOwningWrapper(t) || OwningStreams.Holds(t));

    // Asked for every member reference of every method (the cheap gate): worth a cache.
    private readonly ConcurrentDictionary<ITypeSymbol, bool> _interesting = new(SymbolEqualityComparer.Default);

    /// <summary>The declared type of a tracked symbol (local, parameter, field or property).</summary>
    public static ITypeSymbol? TypeOf(ISymbol? symbol) => symbol switch
    {
        ILocalSymbol l => l.Type,
        IParameterSymbol p => p.Type,
        IFieldSymbol f => f.Type,
        IPropertySymbol p => p.Type,
        _ => null,
    };

    public bool IsCancellationToken(ITypeSymbol? type) => Is(type, CancellationToken);

    public bool IsTimeSpan(ITypeSymbol? type) => Is(type, TimeSpan);

    public bool IsTask(ITypeSymbol? type) => DerivesFrom(type, Task);

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null) return false;
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType)) return true;
        }

        return false;
    }
}
