using System.Security.Authentication;

namespace TlsShutdown.Tests.Infrastructure;

/// <summary>Theory data shared by the zoo tests, whatever the client stream under test.</summary>
public static class ZooData
{
    /// <summary>Asynchronous (false) and blocking (true).</summary>
    public static TheoryData<bool> Sync => new(false, true);

    /// <summary>TLS 1.2 and TLS 1.3.</summary>
    public static TheoryData<SslProtocols> Protocols => new(TestTls.Protocols);

    /// <summary>TLS 1.2 and TLS 1.3, each with and without an <see cref="EofTrackingStream"/> under the SslStream.</summary>
    public static TheoryData<SslProtocols, bool> ProtocolsAndTracking
    {
        get
        {
            var data = new TheoryData<SslProtocols, bool>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                data.Add(protocol, true);
                data.Add(protocol, false);
            }

            return data;
        }
    }

    /// <summary>TLS 1.2 and TLS 1.3, each asynchronous (false) and blocking (true): reads, or closes.</summary>
    public static TheoryData<SslProtocols, bool> ProtocolsAndSync
    {
        get
        {
            var data = new TheoryData<SslProtocols, bool>();
            foreach (SslProtocols protocol in TestTls.Protocols)
            {
                data.Add(protocol, false);
                data.Add(protocol, true);
            }

            return data;
        }
    }
}
