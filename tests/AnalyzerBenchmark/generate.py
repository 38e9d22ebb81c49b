#!/usr/bin/env python3
"""Generates a synthetic C# project for the analyzer benchmark.

Each file holds one class of ~150 lines; about 10% of its methods use TLS streams (in the shapes the
analyzers follow: using declarations, explicit closes, fields, graceful closes), the rest do ordinary work
with and without IDisposable objects so that CA2000 has the same code to chew on.

usage: generate.py OUTDIR FILES ANALYZER_DIR
"""
import os
import random
import sys

TLS_METHODS = [
    # using declaration, closed without shutdown (TLS001)
    """    public async Task<int> Tls{n}Async(TcpClient tcp, byte[] data, CancellationToken ct)
    {{
        using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions {{ TargetHost = "h{n}" }}, ct);
        await ssl.WriteAsync(data, ct);
        var buffer = new byte[{size}];
        int total = 0;
        for (int i = 0; i < 4; i++)
        {{
            total += await ssl.ReadAsync(buffer, ct);
        }}
        return total;
    }}
""",
    # graceful shape: bounded shutdown before dispose
    """    public async Task Tls{n}Async(Stream inner, CancellationToken ct)
    {{
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {{
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions(), ct);
            await ssl.WriteAsync(new byte[{size}], ct);
            await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(3), ct);
        }}
        finally
        {{
            ssl.Dispose();
        }}
    }}
""",
    # sync, field-held
    """    public void Tls{n}(byte[] data)
    {{
        if (_ssl is null) return;
        _ssl.Write(data, 0, data.Length);
        _ssl.Flush();
        if (data.Length > {size})
        {{
            _ssl.Dispose();
            _ssl = null;
        }}
    }}
""",
    # unbounded handshake + shutdown
    """    public async Task<string> Tls{n}Async(SslStream ssl)
    {{
        await ssl.AuthenticateAsClientAsync("h{n}");
        using var reader = new StreamReader(ssl, leaveOpen: true);
        var line = await reader.ReadLineAsync() ?? string.Empty;
        await ssl.ShutdownAsync();
        return line.Length > {size} ? line.Substring(0, {size}) : line;
    }}
""",
]

PLAIN_METHODS = [
    """    public int Compute{n}(int[] values)
    {{
        int sum = 0;
        foreach (var v in values)
        {{
            if (v % {mod} == 0) sum += v * 2;
            else if (v % 3 == 1) sum -= v;
            else sum ^= v;
        }}
        return sum + _counter++;
    }}
""",
    """    public string Format{n}(IEnumerable<string> items)
    {{
        var builder = new StringBuilder();
        foreach (var item in items.Where(i => i.Length > {mod}).OrderBy(i => i))
        {{
            builder.Append(item).Append(',');
        }}
        return builder.ToString().TrimEnd(',');
    }}
""",
    """    public byte[] Buffer{n}(byte[] input)
    {{
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {{
            writer.Write(input.Length);
            writer.Write(input);
        }}
        var copy = new MemoryStream(input);
        return memory.ToArray().Concat(copy.ToArray().Take({mod})).ToArray();
    }}
""",
    """    public async Task<string> ReadFile{n}Async(string path, CancellationToken ct)
    {{
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync(ct);
        if (text.Length > {mod}) reader.Dispose();
        return text;
    }}
""",
    """    public Dictionary<string, int> Count{n}(string text)
    {{
        var counts = new Dictionary<string, int>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {{
            counts[word] = counts.TryGetValue(word, out var c) ? c + 1 : 1;
        }}
        return counts;
    }}
""",
]

HEADER = """using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.N{ns};

public sealed class Worker{n} : IDisposable
{{
    private SslStream? _ssl;
    private int _counter;

    public Worker{n}(Stream inner) => _ssl = new SslStream(inner);

    public void Dispose() => _counter = 0;

"""


def main() -> None:
    out, files, analyzer_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    random.seed(1)
    os.makedirs(out, exist_ok=True)
    lines = methods = tls = 0
    for f in range(files):
        body = [HEADER.format(ns=f // 100, n=f)]
        for m in range(13):
            n = f * 100 + m
            # About 10% of methods touch a TLS stream.
            if random.random() < 0.10:
                body.append(random.choice(TLS_METHODS).format(n=n, size=16 + m))
                tls += 1
            else:
                body.append(random.choice(PLAIN_METHODS).format(n=n, mod=2 + m))
            methods += 1
            body.append("\n")
        body.append("}\n")
        text = "".join(body)
        lines += text.count("\n")
        with open(os.path.join(out, f"Worker{f}.cs"), "w") as fh:
            fh.write(text)

    with open(os.path.join(out, "Bench.csproj"), "w") as fh:
        fh.write(f"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <OutputType>Library</OutputType>
    <EnableNETAnalyzers>true</EnableNETAnalyzers>
    <!-- Only CA2000 of the .NET analyzers runs (enabled in .editorconfig): the comparison is ours vs it. -->
    <AnalysisMode>None</AnalysisMode>
    <NoWarn>$(NoWarn);CS1998;CS8618</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <Analyzer Include="{analyzer_dir}/TlsShutdown.Analyzers.dll" />
  </ItemGroup>
</Project>
""")
    with open(os.path.join(out, ".editorconfig"), "w") as fh:
        fh.write("root = true\n\n[*.cs]\ndotnet_diagnostic.CA2000.severity = warning\n")
    print(f"files={files} lines={lines} methods={methods} tls_methods={tls} ({100.0 * tls / methods:.1f}%)")


if __name__ == "__main__":
    main()
