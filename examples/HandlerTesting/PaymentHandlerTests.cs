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
        Assert.NotNull(result.FailingSeed);
        Assert.InRange(result.ShrunkLength!.Value, 0, 3);
        Assert.Contains($"seed {result.FailingSeed}", result.Story, StringComparison.Ordinal);
        Assert.Contains("not-idempotent", result.Story, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixed_handler_is_idempotent_under_redelivery()
    {
        var kit = new HandlerTestKit<Ledger>(() => new Ledger(), ledger => new PaymentHandler(ledger));

        kit.CheckIdempotentUnderRedelivery(ledger => ledger.Balances());
    }

    [Fact]
    public void The_fixed_handler_handles_every_payment_at_least_once_and_never_after_revocation()
    {
        var kit = new HandlerTestKit<Ledger>(() => new Ledger(), ledger => new PaymentHandler(ledger));

        kit.CheckAtLeastOnce();
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
