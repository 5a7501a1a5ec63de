using FsCheck;
using FsCheck.Fluent;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>Generators of <see cref="EventScript"/>s for properties of the pure core. About half of a script's intents
/// are <see cref="Intent.Progress"/> and other protocol steps resolved against the state (so scripts reach running
/// workers, acks, successful commits, revocations and shutdowns); the rest is the outside world's garbage: stale and
/// future generations, unknown workers and partitions, offsets from <see cref="long.MinValue"/> to
/// <see cref="long.MaxValue"/>, time going backwards, duplicated and reordered events, callbacks never awaited.</summary>
public static class EventGen
{
    /// <summary>How many scripts each property runs on. A failure prints FsCheck's seeds: put "Replay directly at failing
    /// step with (seed,gamma,size)" in the property's attribute as <c>Replay = "(seed,gamma,size)"</c> to rerun just the
    /// failing case, or the run's "(seed,gamma)" to rerun the whole run.</summary>
    public const int ScriptsPerProperty = 10_000;

    // Declared first: the static properties below are built from them, in textual order.
    private static Gen<int> Pick { get; } = Gen.Choose(0, 1_000);

    // Mostly small numbers, sometimes the ends of long.
    private static Gen<long> Amount { get; } = Gen.Frequency(
        (10, Gen.Choose(0, 10).Select(i => (long)i)),
        (2, Gen.Choose(0, 100_000).Select(i => (long)i)),
        (1, Gen.Elements(long.MaxValue, long.MinValue, long.MaxValue - 1, long.MinValue + 1, (long)int.MaxValue + 1)));

    /// <summary>One intent, weighted towards progress.</summary>
    public static Gen<Intent> Intents { get; } = Gen.Frequency(
        (40, Pick.Select(p => (Intent)new Intent.Progress(p))),
        (4, Assign()),
        (5, from ok in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
            from awaited in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
            from pick in Pick
            select (Intent)new Intent.AnswerCallback(ok, awaited, pick)),
        (8, from kind in Gen.Frequency(
                (6, Gen.Constant(DeliveryKind.Next)), (1, Gen.Constant(DeliveryKind.Gap)),
                (1, Gen.Constant(DeliveryKind.Redelivery)), (1, Gen.Constant(DeliveryKind.Malformed)))
            from pick in Pick
            from count in Gen.Choose(1, 20)
            from toStopping in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Intent)new Intent.Deliver(kind, pick, count, toStopping)),
        (10, from kind in Gen.Frequency(
                (8, Gen.Constant(AckKind.Valid)), (4, Gen.Constant(AckKind.LastDelivered)),
                (1, Gen.Elements(Enum.GetValues<AckKind>())))
            from pick in Pick
            from amount in Amount
            select (Intent)new Intent.Ack(kind, pick, amount)),
        (6, from kind in Gen.Frequency(
                (4, Gen.Constant(TickKind.Small)), (4, Gen.Constant(TickKind.CommitInterval)), (2, Gen.Constant(TickKind.ToRestart)), (2, Gen.Constant(TickKind.ToDeadline)),
                (1, Gen.Constant(TickKind.Backwards)), (1, Gen.Constant(TickKind.Far)))
            from amount in Amount
            select (Intent)new Intent.Tick(kind, amount)),
        (6, from pick in Pick
            from outcome in Gen.Frequency(
                (5, Gen.Constant(CommitOutcome.Success)), (2, Gen.Constant(CommitOutcome.RetriableError)), (2, Gen.Constant(CommitOutcome.Fenced)))
            from twist in Gen.Frequency((8, Gen.Constant(CommitTwist.None)), (2, Gen.Elements(Enum.GetValues<CommitTwist>())))
            select (Intent)new Intent.CompleteCommit(pick, outcome, twist)),
        (4, Pick.Select(p => (Intent)new Intent.ConfirmStop(p))),
        (5, from pick in Pick
            from crash in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
            from stopping in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Intent)new Intent.Exit(pick, crash, stopping)),
        (1, from pick in Pick
            from stopping in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Intent)new Intent.OutOfRange(pick, stopping)),
        (3, from pick in Pick
            from written in Gen.Frequency((1, Gen.Constant(true)), (1, Gen.Constant(false)))
            from stale in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Intent)new Intent.DeadLetterResult(pick, written, stale)),
        (2, from pick in Pick
            from garbage in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Intent)new Intent.Position(pick, garbage)),
        (2, from lost in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
            from all in Gen.Elements(true, false)
            from mask in Gen.Choose(0, 255)
            select (Intent)new Intent.Revoke(lost, all, mask)),
        (1, Gen.Constant<Intent>(new Intent.Shutdown())),
        (2, from kind in Gen.Elements(Enum.GetValues<WorkerEventKind>())
            from id in Gen.Elements(Enum.GetValues<WorkerIdKind>())
            from number in Amount
            select (Intent)new Intent.StrangeWorker(kind, id, number)),
        (2, Gen.Choose(0, 30).Select(back => (Intent)new Intent.Repeat(back))));

    /// <summary>Scripts whose length grows with FsCheck's size (up to about size + 20 intents).</summary>
    public static Gen<EventScript> Scripts { get; } =
        from settings in Settings()
        from intents in Gen.Sized(size => Gen.Choose(1, size + 20).SelectMany(n => Gen.ArrayOf(Intents, n)))
        select new EventScript(settings, intents.ToValueList());

    /// <summary>Scripts with a shrinker that drops runs of intents, so a failure shrinks to a short story.</summary>
    public static Arbitrary<EventScript> Arbitrary { get; } = Arb.From(Scripts, Shrink);

    /// <summary>Shorter scripts: halves, quarters, … down to single intents removed.</summary>
    public static IEnumerable<EventScript> Shrink(EventScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var intents = script.Intents.Items;
        for (var chunk = intents.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start + chunk <= intents.Length; start += chunk)
            {
                yield return script with { Intents = intents.RemoveRange(start, chunk) };
            }
        }
    }

    /// <summary>Machine settings: direct ack or not, commit intervals from 1 ms, every begin offset and reset policy,
    /// restart budgets from none to generous under every exhaustion policy.</summary>
    public static Gen<ScriptSettings> Settings() =>
        from directAck in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from commitIntervalMs in Gen.Elements(1L, 100L, 5_000L, 5_000L)
        from begin in Gen.Elements(StartPosition.Earliest, StartPosition.Latest, StartPosition.At(0), StartPosition.At(42))
        from reset in Gen.Elements(OffsetResetPolicy.ResetToEarliest, OffsetResetPolicy.ResetToLatest)
        from backoffMs in Gen.Elements(0L, 100L, 100L)
        from maxRestarts in Gen.Elements(0, 1, 3, 3, 100)
        from exhausted in Gen.Elements(RestartExhaustedPolicy.FailGroup, RestartExhaustedPolicy.ParkPartition, RestartExhaustedPolicy.DeadLetter)
        select new ScriptSettings(directAck, commitIntervalMs, begin, reset, backoffMs, maxRestarts, exhausted);

    private static Gen<Intent> Assign() =>
        from step in Gen.Frequency(
            (12, Gen.Constant(1)), (2, Gen.Constant(2)), (2, Gen.Choose(-3, 0)), (1, Gen.Constant(int.MaxValue)))
        from mask in Gen.Frequency((6, Gen.Choose(1, 63)), (1, Gen.Constant(0)))
        from seed in Gen.Choose(0, int.MaxValue).SelectMany(hi => Gen.Choose(0, int.MaxValue).Select(lo => ((long)hi << 31) | (uint)lo))
        from malformed in Gen.Frequency((8, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (Intent)new Intent.Assign(step, mask, seed, malformed);
}
