using System.Net;
using System.Net.Sockets;

namespace TlsShutdown.Tests.Interop;

/// <summary>
/// The real TLS implementations the interop tests run against: OpenSSL's and GnuTLS's command-line tools (Debian
/// packages <c>openssl</c> and <c>gnutls-bin</c>; <c>.ci/run</c> installs them). Without them a test is skipped
/// with the reason, except under <c>CI=true</c>, where it runs and fails: CI must never pass by skipping.
/// </summary>
public static class InteropTools
{
    public const string OpenSsl = "openssl";
    public const string GnuTlsServer = "gnutls-serv";
    public const string GnuTlsClient = "gnutls-cli";

    /// <summary>Whether this run is CI's (<c>CI=true</c>), where a missing tool is a failure.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of <paramref name="tool"/> on PATH; null when it is not installed.</summary>
    public static string? Find(string tool)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(directory, tool);
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The full path of <paramref name="tool"/>; fails the test when it is missing.</summary>
    public static string Require(string tool) =>
        Find(tool) ?? throw new InvalidOperationException(
            $"'{tool}' is not installed: apt-get install -y openssl gnutls-bin (.ci/run does it).");

    /// <summary>The skip reason for a test that needs <paramref name="tools"/>: null when they are all there, or under CI.</summary>
    public static string? SkipReason(string[] tools)
    {
        string[] missing = tools.Where(t => Find(t) is null).ToArray();
        return missing.Length == 0 || IsCi
            ? null
            : $"Not installed: {string.Join(", ", missing)} (apt-get install -y openssl gnutls-bin). Under CI=true this fails instead.";
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now, for a tool that takes a port number.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

/// <summary>A fact that needs the given command-line tools (see <see cref="InteropTools"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InteropFactAttribute : FactAttribute
{
    public InteropFactAttribute(params string[] tools) => Skip = InteropTools.SkipReason(tools);
}

/// <summary>A theory that needs the given command-line tools (see <see cref="InteropTools"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InteropTheoryAttribute : TheoryAttribute
{
    public InteropTheoryAttribute(params string[] tools) => Skip = InteropTools.SkipReason(tools);
}
