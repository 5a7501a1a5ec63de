using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Testing;

/// <summary>Runs your <see cref="IMessageHandler"/> in a simulated consumer group — the real group manager, a simulated
/// broker and coordinator, faults drawn from each seed — and checks properties of it. Each run gets a fresh
/// <typeparamref name="TStore"/> (what your handlers write to: a ledger, a table, a list of side effects) and every worker
/// start a fresh handler built over it, as the Kafka adapter builds one per worker start.
/// <para>Determinism: a handler runs at the simulated moment its batch is fetched, on the simulator's one thread. Its
/// tasks are waited on in place, so it must complete without real I/O, timers or the wall clock; then a seed means the
/// same run on every machine, and a failure replays and shrinks.</para>
/// <para>A handler that throws crashes its worker, which the group manager restarts from the last ack. A handler that
/// returns <see cref="HandlerResult.NoAck"/> must have its messages acked by a later batch's result: the kit has no
/// out-of-band ack.</para></summary>
/// <typeparam name="TStore">What the handlers of one run share and the properties look at.</typeparam>
public sealed class HandlerTestKit<TStore>
{
    private const string AtLeastOnceProperty = "at-least-once";
    private const string IdempotenceProperty = "idempotent-under-redelivery";
    private const string RevocationProperty = "no-handling-after-revocation";

    /// <summary>The violation kind of a run whose projected results differ from the same seed's run without faults.</summary>
    internal const string NotIdempotent = "not-idempotent";

    private readonly Func<TStore> _newStore;
    private readonly Func<TStore, IMessageHandler> _newHandler;

    /// <summary>A kit for one handler.</summary>
    /// <param name="newStore">Makes the store of one run.</param>
    /// <param name="newHandler">Makes a handler over a run's store, once per worker start.</param>
    /// <param name="options">How to run it; default <see cref="HandlerTestOptions"/>'s defaults.</param>
    public HandlerTestKit(Func<TStore> newStore, Func<TStore, IMessageHandler> newHandler, HandlerTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(newStore);
        ArgumentNullException.ThrowIfNull(newHandler);
        _newStore = newStore;
        _newHandler = newHandler;
        Options = options ?? new HandlerTestOptions();
        Options.EnsureValid();
    }

    /// <summary>How every check runs unless a call passes its own options.</summary>
    public HandlerTestOptions Options { get; }

    /// <summary>At-least-once: with your handler deciding the acks, every message is handed to it at least once, nothing
    /// is committed past what it handled, duplicates come only after a cause, and every partition is drained once faults
    /// stop — the simulator's whole history checker. Fails, for instance, for a handler that acks past what it was given,
    /// never acks (<see cref="HandlerResult.Continue"/> forever) or always throws on some message.</summary>
    public HandlerCheckResult AtLeastOnce(HandlerTestOptions? options = null)
    {
        var o = Valid(options);
        return Check(AtLeastOnceProperty, o, (seed, plan) => Run(o, seed, plan).Result);
    }

    /// <summary>Idempotence under redelivery: for each seed, the projection of the store after a run with faults (crashes,
    /// rebalances, zombies, failed commits… so messages are redelivered) equals its projection after the same seed's run
    /// without faults, which hands the handler the same messages. A failure reports violation kind
    /// <c>not-idempotent</c> with both projections (their <see cref="object.ToString"/>), so project to something that
    /// prints well: a string, a record, a sorted list joined into a string.</summary>
    /// <param name="projection">What of a store must not depend on redelivery (balances, rows, emitted effects).</param>
    /// <param name="comparer">How to compare projections; default <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <param name="options">How to run; default <see cref="Options"/>.</param>
    public HandlerCheckResult IdempotentUnderRedelivery<TProjection>(
        Func<TStore, TProjection> projection, IEqualityComparer<TProjection>? comparer = null, HandlerTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var o = Valid(options);
        var equal = comparer ?? EqualityComparer<TProjection>.Default;
        var withoutFaults = new Dictionary<ulong, (SimulationResult Result, TProjection Projection)>();
        return Check(IdempotenceProperty, o, (seed, plan) =>
        {
            var (faulty, store) = Run(o, seed, plan);
            if (!faulty.Passed)
            {
                return faulty;
            }

            if (!withoutFaults.TryGetValue(seed, out var clean))
            {
                var (cleanResult, cleanStore) = Run(o, seed, FaultPlan.None);
                clean = (cleanResult, projection(cleanStore));
                withoutFaults[seed] = clean;
            }

            if (!clean.Result.Passed)
            {
                return clean.Result;
            }

            var projected = projection(store);
            return equal.Equals(projected, clean.Projection)
                ? faulty
                : faulty with
                {
                    Violation = new Violation(NotIdempotent, faulty.Stats.SimulatedMs,
                        $"with faults the handled results project to [{projected}]; without faults to [{clean.Projection}]"),
                };
        });
    }

    /// <summary>No handling after revocation: a worker never hands your handler a batch once its member's ownership of the
    /// partition has ended (the revocation completed, or the partition was lost), checked at every hand-over against the
    /// simulator's own account of ownership. Runs stopped early by another violation count as passing here; see
    /// <see cref="AtLeastOnce"/> for those.</summary>
    public HandlerCheckResult NoHandlingAfterRevocation(HandlerTestOptions? options = null)
    {
        var o = Valid(options);
        return Check(RevocationProperty, o, (seed, plan) =>
        {
            var result = Run(o, seed, plan).Result;
            return result.Violation?.Kind == ViolationKinds.HandledAfterRevocation ? result : result with { Violation = null };
        });
    }

    /// <summary><see cref="AtLeastOnce"/>, throwing a <see cref="HandlerPropertyException"/> with the seed and story on
    /// failure.</summary>
    public void CheckAtLeastOnce(HandlerTestOptions? options = null) => AtLeastOnce(options).ThrowIfFailed();

    /// <summary><see cref="IdempotentUnderRedelivery"/>, throwing a <see cref="HandlerPropertyException"/> with the seed
    /// and story on failure.</summary>
    public void CheckIdempotentUnderRedelivery<TProjection>(
        Func<TStore, TProjection> projection, IEqualityComparer<TProjection>? comparer = null, HandlerTestOptions? options = null) =>
        IdempotentUnderRedelivery(projection, comparer, options).ThrowIfFailed();

    /// <summary><see cref="NoHandlingAfterRevocation"/>, throwing a <see cref="HandlerPropertyException"/> with the seed
    /// and story on failure.</summary>
    public void CheckNoHandlingAfterRevocation(HandlerTestOptions? options = null) => NoHandlingAfterRevocation(options).ThrowIfFailed();

    private HandlerTestOptions Valid(HandlerTestOptions? options)
    {
        var o = options ?? Options;
        o.EnsureValid();
        return o;
    }

    /// <summary>One run of a seed and plan with a fresh store.</summary>
    private (SimulationResult Result, TStore Store) Run(HandlerTestOptions o, ulong seed, FaultPlan plan)
    {
        var store = _newStore();
        var content = o.Content;
        var user = new UserHandler(() => _newHandler(store), (tp, offset) =>
        {
            var body = content(tp, offset);
            return (body.Key, body.Value);
        });
        return (Simulator.Run(o.Shape with { UserHandler = user }, seed, plan), store);
    }

    /// <summary>Runs the seeds in order until one fails <paramref name="judge"/>, then shrinks that one with the same
    /// judge (a candidate counts only if it fails the same way).</summary>
    private static HandlerCheckResult Check(string property, HandlerTestOptions o, Func<ulong, FaultPlan, SimulationResult> judge)
    {
        for (var i = 0; i < o.Seeds; i++)
        {
            var seed = unchecked(o.FirstSeed + (ulong)i);
            var failing = judge(seed, o.Plan ?? FaultPlan.Draw(seed, o.Shape));
            if (!failing.Passed)
            {
                var shrunk = Shrinker.Shrink(o.Shape, failing, plan => judge(seed, plan), o.MaxShrinkRuns);
                return new HandlerCheckResult(property, i + 1, failing, shrunk);
            }
        }

        return new HandlerCheckResult(property, o.Seeds, null, null);
    }
}
