using Elsa.Sim.Testing;
using Xunit.Abstractions;

namespace HandlerTesting;

/// <summary>A race between a handler's own tasks: the seed mode misses it, the systematic mode (Coyote) finds it and
/// replays it from its trace, and the fix passes both (docs/handler-testing.md, systematic mode). This project sets
/// <c>ElsaSimSystematic</c>, so Coyote's rewriter runs after every build.</summary>
public sealed class ConcurrentPaymentHandlerTests(ITestOutputHelper output)
{
    private static readonly HandlerTestOptions Systematic = HandlerTestOptions.SystematicDefaults with
    {
        Systematic = new SystematicOptions { Iterations = 50, Seed = 1 },
    };

    [Fact]
    public void The_seed_mode_misses_the_race_the_store_completes_every_call_at_once()
    {
        var kit = new HandlerTestKit<AccountStore>(() => new AccountStore(), store => new ConcurrentPaymentHandler(store));

        var atLeastOnce = kit.AtLeastOnce(store => store.Applied());
        var idempotent = kit.IdempotentUnderRedelivery(store => store.Balances());

        output.WriteLine(atLeastOnce.ToString());
        output.WriteLine(idempotent.ToString());
        Assert.True(atLeastOnce.Passed, atLeastOnce.ToString());
        Assert.True(idempotent.Passed, idempotent.ToString());
    }

    [Fact]
    public void The_systematic_mode_finds_the_lost_update_and_its_trace_replays_it()
    {
        var kit = new HandlerTestKit<AccountStore>(() => new AccountStore(), store => new ConcurrentPaymentHandler(store));

        var found = kit.AtLeastOnce(store => store.Applied(), Systematic);

        output.WriteLine(found.ToString());
        Assert.False(found.Passed);
        Assert.Equal("at-least-once", found.Property);
        Assert.Equal("not-applied", found.Failure!.Violation!.Kind);
        Assert.Contains("not-applied", found.BugReport, StringComparison.Ordinal);
        Assert.True(File.Exists(found.TracePath));

        // The saved trace is that interleaving: replaying it fails the same way, in one iteration.
        var replayed = kit.AtLeastOnce(store => store.Applied(), Systematic with { Systematic = Systematic.Systematic! with { ReplayTrace = found.TracePath } });
        output.WriteLine(replayed.ToString());
        Assert.Equal(1, replayed.Iterations);
        Assert.Equal(found.Failure.Violation, replayed.Failure?.Violation);
    }

    [Fact]
    public void The_fix_passes_the_seed_mode()
    {
        var kit = new HandlerTestKit<AccountStore>(() => new AccountStore(), store => new TransactionalPaymentHandler(store));

        kit.CheckAtLeastOnce(store => store.Applied());
        kit.CheckIdempotentUnderRedelivery(store => store.Balances());
    }

    [Fact]
    public void The_fix_passes_the_systematic_mode()
    {
        var kit = new HandlerTestKit<AccountStore>(() => new AccountStore(), store => new TransactionalPaymentHandler(store));
        // Fewer interleavings than the hunt's budget of 50 (it finds the race in the 3rd), to keep the example quick.
        var few = Systematic with { Systematic = Systematic.Systematic! with { Iterations = 20 } };
        var fewer = Systematic with { Systematic = Systematic.Systematic! with { Iterations = 5 } };

        foreach (var result in new[]
        {
            kit.AtLeastOnce(store => store.Applied(), few),
            kit.IdempotentUnderRedelivery(store => store.Balances(), options: fewer),
            kit.NoHandlingAfterRevocation(fewer),
        })
        {
            output.WriteLine(result.ToString());
            Assert.True(result.Passed, result.ToString());
        }
    }
}
