using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Handshakes in the Begin/End (APM) pattern: <c>ssl.BeginAuthenticateAsServer(…, callback, state)</c>, or
/// <c>Task.Factory.FromAsync(ssl.BeginAuthenticateAsServer, ssl.EndAuthenticateAsServer, …)</c>. They take no
/// token: only a bound on the task FromAsync returns can limit them.
/// </summary>
internal static class ApmHandshake
{
    public static bool IsBegin(string name) => name.StartsWith("BeginAuthenticateAs", System.StringComparison.Ordinal);

    private static bool IsBeginOrEnd(string name) =>
        IsBegin(name) || name.StartsWith("EndAuthenticateAs", System.StringComparison.Ordinal);

    /// <summary>The TLS stream whose Begin/EndAuthenticateAs… a <c>FromAsync</c> call is given as method groups, or null.</summary>
    public static IOperation? StreamOfFromAsync(IInvocationOperation invocation, TlsTypes types)
    {
        if (invocation.TargetMethod.Name != "FromAsync") return null;
        foreach (var argument in invocation.Arguments)
        {
            if (OperationWalker.Unwrap(argument.Value) is IDelegateCreationOperation { Target: IMethodReferenceOperation { Instance: { } instance } reference }
                && IsBeginOrEnd(reference.Method.Name)
                && types.KindOf(instance.Type) is TlsKind.SslStream)
            {
                return instance;
            }
        }

        return null;
    }
}
