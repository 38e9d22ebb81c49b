using Microsoft.CodeAnalysis.Operations;
using TlsShutdown.Analyzers.Analysis;

namespace TlsShutdown.Analyzers.Tests.Analysis;

/// <summary>TaskUse: what the code does with a task, and whether a token can fire.</summary>
public class TaskUseTests
{
    private const string Source = """
        class C
        {
            async Task Uses(SslStream ssl, CancellationToken parameterToken, List<Task> pending)
            {
                await ssl.ShutdownAsync();
                ssl.ShutdownAsync().Wait();
                ssl.ShutdownAsync();
                await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(1));
                pending.Add(ssl.ShutdownAsync());
                await ssl.ShutdownAsync().ConfigureAwait(false);
                ssl.ShutdownAsync().GetAwaiter().GetResult();
                await Task.WhenAny(ssl.ShutdownAsync(), Task.Delay(100));
                var kept = ssl.ShutdownAsync();
                await kept;
                _ = ssl.ShutdownAsync();
                ssl.ShutdownAsync().ContinueWith(t => t.IsFaulted);
                ssl.ShutdownAsync().Wait(Timeout.Infinite);
            }

            void Tokens(SslStream ssl, CancellationToken parameterToken)
            {
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), parameterToken);
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), default);
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), CancellationToken.None);
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions());
                var timed = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), timed.Token);
                var never = new CancellationTokenSource();
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), never.Token);
                var later = new CancellationTokenSource();
                later.CancelAfter(1000);
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), later.Token);
                ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), new CancellationToken(false));
            }
        }
        """;

    [Fact]
    public async Task Classifies_each_use_of_a_task()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var model = harness.Model("C", "Uses");
        var tasks = new TaskUse(harness.Types, model.Operations);
        var kinds = harness.Invocations(model, "ShutdownAsync").Select(tasks.Classify).ToList();
        Assert.Equal(
            new[]
            {
                TaskUseKind.Awaited, TaskUseKind.Blocked, TaskUseKind.Dropped, TaskUseKind.Bounded, TaskUseKind.Unknown,
                TaskUseKind.Awaited, TaskUseKind.Blocked, TaskUseKind.Bounded, TaskUseKind.Awaited, TaskUseKind.Dropped,
                TaskUseKind.Continued, TaskUseKind.Blocked,
            },
            kinds);
    }

    [Fact]
    public async Task Tells_tokens_that_can_fire_from_those_that_cannot()
    {
        var harness = await AnalysisHarness.CompileAsync(Source);
        var model = harness.Model("C", "Tokens");
        var tasks = new TaskUse(harness.Types, model.Operations);
        var real = harness.Invocations(model, "AuthenticateAsClientAsync").Select(i => tasks.IsRealToken(tasks.TokenArgument(i))).ToList();
        Assert.Equal(new[] { true, false, false, false, true, false, true, false }, real);
    }
}
