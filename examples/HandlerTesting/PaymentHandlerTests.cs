using Elsa.Sim.Testing;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace HandlerTesting;

/// <summary>The payment handlers under the kit: the planted double-counting bug is found and shrunk to a short story;
/// the fixed handler passes every property; and two properties of one's own, composed from the kit's arbitraries.</summary>
public sealed class PaymentHandlerTests(ITestOutputHelper output)
{
    [Fact]
    public void The_kit_finds_the_double_counting_bug_and_shrinks_it_to_a_short_story()
    {
        var kit = new HandlerTestKit<Ledger>(() => new Ledger(), ledger => new DoubleCountingPaymentHandler(ledger));

        var result = kit.IdempotentUnderRedelivery(ledger => ledger.Balances());

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        Assert.Contains($"seed {result.FailingSeed}", result.Story, StringComparison.Ordinal);
        Assert.Contains("not-idempotent", result.Story, StringComparison.Ordinal);
        // A run is a function of the seed, so the finding docs/handler-testing.md shows is exactly what the kit finds.
        Assert.Equal(1UL, result.FailingSeed);
        Assert.Equal(1, result.SeedsRun);
        Assert.Equal(15, result.Failure!.Plan.Schedule.Count);
        Assert.Equal(1, result.ShrunkLength);
        Assert.Contains("1. at   4127 ms member 1 crashes and restarts 3754 ms later", result.Story, StringComparison.Ordinal);

        // The shrunk run as a page to open in a browser: lanes over virtual time, the violation highlighted.
        var page = Path.Combine(AppContext.BaseDirectory, "double-counting.html");
        result.WriteTimeline(page);
        output.WriteLine($"timeline: {page}");
        Assert.Contains("id=\"violation\"", File.ReadAllText(page), StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixed_handler_is_idempotent_under_redelivery()
    {
        var kit = new HandlerTestKit<Ledger>(() => new Ledger(), ledger => new PaymentHandler(ledger));

        kit.CheckIdempotentUnderRedelivery(ledger => ledger.Balances());
    }

    [Fact]
    public void The_fixed_handler_applies_every_payment_at_least_once_and_handles_none_after_revocation()
    {
        var kit = new HandlerTestKit<Ledger>(() => new Ledger(), ledger => new PaymentHandler(ledger));

        kit.CheckAtLeastOnce(ledger => ledger.Applied());
        kit.CheckNoHandlingAfterRevocation();
    }

    [Fact]
    public void A_batch_handled_twice_by_the_fixed_handler_leaves_the_balances_as_once()
    {
        var twiceIsOnce = Prop.ForAll(ElsaArbitraries.Messages(), batch =>
        {
            var ledger = new Ledger();
            var handler = new PaymentHandler(ledger);
            handler.HandleMessagesAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var once = ledger.Balances();
            handler.HandleMessagesAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return ledger.Balances() == once;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200).WithReplay(new Replay(new Rnd(20_261_123), null)), twiceIsOnce);
    }

    [Fact]
    public void The_fixed_handler_is_idempotent_in_any_group_shape()
    {
        var kit = new HandlerTestKit<Ledger>(() => new Ledger(), ledger => new PaymentHandler(ledger));
        var anyShape = Prop.ForAll(ElsaArbitraries.GroupShapes(), shape =>
            kit.IdempotentUnderRedelivery(ledger => ledger.Balances(), options: new HandlerTestOptions { Shape = shape, Seeds = 3 }).Passed);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(10).WithReplay(new Replay(new Rnd(20_261_124), null)), anyShape);
    }
}
