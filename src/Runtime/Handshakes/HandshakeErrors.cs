using System.Net.Sockets;
using System.Security.Authentication;
using Org.BouncyCastle.Tls;

namespace TlsShutdown.Handshakes;

/// <summary>Names why a handshake failed, as the <see cref="TlsShutdownMetrics.ErrorTypeTag"/> value.</summary>
internal static class HandshakeErrors
{
    // SslStream names the alerts it received and its own refusals in text only (OpenSSL: "sslv3 alert bad
    // certificate", "tlsv1 alert unknown ca"; .NET: "The remote certificate is invalid…").
    private static readonly string[] CertificateWords = ["certificate", "unknown ca"];

    /// <summary>The error type of a handshake that ended with <paramref name="error"/>.</summary>
    /// <param name="error">What the handshake threw.</param>
    /// <param name="certificateRefused">Whether our side refused the peer's certificate (known to TlsEngineStream).</param>
    public static string Classify(Exception error, bool certificateRefused = false) => error switch
    {
        TimeoutException => TlsShutdownMetrics.TimeoutErrorType,
        OperationCanceledException => TlsShutdownMetrics.CanceledTagValue,
        _ when certificateRefused || IsCertificateAlert(error) => TlsShutdownMetrics.CertificateErrorType,
        AuthenticationException => TlsShutdownMetrics.AlertErrorType,
        IOException or SocketException or ObjectDisposedException => TlsShutdownMetrics.IOErrorType,
        _ => error.GetType().FullName ?? error.GetType().Name,
    };

    private static bool IsCertificateAlert(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TlsFatalAlertReceived received:
                    return IsCertificateAlert(received.AlertDescription);
                case TlsFatalAlert alert:
                    return IsCertificateAlert(alert.AlertDescription);
            }
        }

        if (error is not AuthenticationException)
        {
            return false;
        }

        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (CertificateWords.Any(word => e.Message.Contains(word, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCertificateAlert(short description) => description
        is AlertDescription.bad_certificate
        or AlertDescription.unsupported_certificate
        or AlertDescription.certificate_revoked
        or AlertDescription.certificate_expired
        or AlertDescription.certificate_unknown
        or AlertDescription.unknown_ca
        or AlertDescription.certificate_required;
}
