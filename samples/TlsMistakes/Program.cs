using TlsMistakes;

// A quote service over TLS on 127.0.0.1 and three clients for it. The server reports how each client's
// connection ended: with the client's close_notify, or with a bare TCP close that it cannot tell from a
// truncation attack.
using var certificate = DemoCertificate.Create();
var server = new QuoteServer(certificate);
server.Start();

Console.WriteLine($"client 1: {await QuoteClient.GetQuoteAsync(server.Port)}");

using (var connection = await QuoteConnection.OpenAsync(server.Port))
{
    Console.WriteLine($"client 2: {await connection.AskAsync("QUOTE")}");
    Console.WriteLine($"client 2: {await connection.AskAsync("QUOTE")}");
}

Console.WriteLine($"client 3: {await QuoteClient.GetQuotePolitelyAsync(server.Port)}");

foreach (string line in await server.StopAsync(expectedConnections: 3))
{
    Console.WriteLine(line);
}
