using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Testing;

/// <summary>Runs your <see cref="IMessageHandler"/> in a simulated consumer group — the real group manager, a simulated
/// broker and coordinator, faults drawn from each seed — and checks properties of it. Each run gets a fresh
/// <typeparamref name="TStore"/> (what your handlers write to: a ledger, a table, a list of side effects) and every worker
/// start a fresh handler built over it, as the Kafka adapter builds one per worker start.
/// <para>Determinism: in the seed mode a handler runs inside the shipped host, on the simulator's one thread, and its
/// awaits resume there. It must do without real I/O, timers, threads (<c>Task.Run</c>), <c>ConfigureAwait(false)</c> or
/// the wall clock: work that leaves the thread fails the run as <c>nondeterminism</c>. Then a seed means the same run on
/// every machine, and a failure replays and shrinks. In the systematic mode (<see cref="HandlerTestOptions.Systematic"/>)
/// it runs on the pool under Coyote's controlled scheduler instead: threads, locks and parallel awaits are explored, and a
/// failure replays from Coyote's trace.</para>
/// <para>A handler that throws crashes its worker, which the group manager restarts from the last ack. A handler that
/// returns <see cref="HandlerResult.NoAck"/> must have its messages acked by a later batch's result: the kit has no
/// out-of-band ack.</para>
/// <para>Each property reports only violations of its own kind; a run stopped by another property's violation passes
/// that property, and the other one reports it.</para></summary>
/// <typeparam name="TStore">What the handlers of one run share and the properties look at.</typeparam>
public sealed class HandlerTestKit<TStore>
{
    private const string AtLeastOnceProperty = "at-least-once";
    private const string IdempotenceProperty = "idempotent-under-redelivery";
    private const string RevocationProperty = "no-handling-after-revocation";

    /// <summary>The violation kind of a run whose projected results differ from the same seed's run without faults.</summary>
    internal const string NotIdempotent = "not-idempotent";

    /// <summary>The violation kind of a run that ended with messages the store does not show applied.</summary>
    internal const string NotApplied = "not-applied";

    private readonly Func<TStore> _newStore;
    private readonly Func<TStore, IMessageHandler> _newHandler;

    // The assemblies of the handlers built so far: a systematic run is sound only if Coyote rewrote them (a handler may
    // live in another assembly than the factory that builds it).
    private readonly ConcurrentDictionary<Assembly, bool> _handlerAssemblies = new();

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

    /// <summary>At-least-once: with your handler deciding the acks, every message still in the log is handed to it and
    /// returned from at least once, nothing is committed past what it returned from, duplicates come only after a cause,
    /// and every partition is drained once faults stop — every check of the simulator except
    /// <c>handled-after-revocation</c> (<see cref="NoHandlingAfterRevocation"/>'s). A batch counts as handled when
    /// <see cref="IMessageHandler.HandleMessagesAsync"/> returns, whatever your code did with it; an ack past the batch is
    /// ignored by the group manager. So this fails for a handler that never acks (<see cref="HandlerResult.Continue"/>
    /// forever), acks only with <see cref="HandlerResult.NoAck"/>, or throws on some message every time — not for one
    /// that returns without applying a message: for that, give the overload a projection of what your store applied.
    /// Violation kinds: the simulator's (<see cref="ViolationKinds"/>, <c>invariant:…</c>).</summary>
    public HandlerCheckResult AtLeastOnce(HandlerTestOptions? options = null)
    {
        var o = Valid(options);
        return Check(AtLeastOnceProperty, o, IsAtLeastOnceKind, (run, seed, plan, trace) => Run(run, o, AtLeastOnceProperty, seed, plan, null, trace));
    }

    /// <summary><see cref="AtLeastOnce(HandlerTestOptions?)"/>, and when a run ends (after passing it), every message still
    /// in the log is among what <paramref name="applied"/> says your store applied: catches a handler that returns (and
    /// so acks) without applying a message, for instance one that swallows an exception. Violation kind
    /// <c>not-applied</c>, naming the first few messages missing.</summary>
    /// <param name="applied">The messages a store shows as applied, by topic, partition and offset (duplicates allowed).</param>
    /// <param name="options">How to run; default <see cref="Options"/>.</param>
    public HandlerCheckResult AtLeastOnce(Func<TStore, IEnumerable<(string Topic, int Partition, long Offset)>> applied, HandlerTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var o = Valid(options);
        return Check(AtLeastOnceProperty, o, IsAtLeastOnceKind, (run, seed, plan, trace) =>
            Run(run, o, AtLeastOnceProperty, seed, plan, (store, partitions) => Unapplied(applied(store), partitions), trace));
    }

    /// <summary>Idempotence under redelivery: for each seed, the projection of the store after a run with faults (crashes,
    /// rebalances, zombies, failed commits… so messages are redelivered) equals its projection after the same seed's run
    /// without faults, which hands the handler the same messages. A failure reports violation kind
    /// <c>not-idempotent</c> with both projections (their <see cref="object.ToString"/>), so project to something that
    /// prints well: a string, a record, a sorted list joined into a string. A seed whose run (with or without faults) is
    /// stopped by another violation cannot be compared and counts as passing here; <see cref="AtLeastOnce(HandlerTestOptions?)"/>
    /// and <see cref="NoHandlingAfterRevocation"/> report those. In systematic mode each iteration runs the seed without
    /// faults first and then with them, both under Coyote (a race may change either).</summary>
    /// <param name="projection">What of a store must not depend on redelivery (balances, rows, emitted effects).</param>
    /// <param name="comparer">How to compare projections; default <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <param name="options">How to run; default <see cref="Options"/>.</param>
    public HandlerCheckResult IdempotentUnderRedelivery<TProjection>(
        Func<TStore, TProjection> projection, IEqualityComparer<TProjection>? comparer = null, HandlerTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var o = Valid(options);
        var equal = comparer ?? EqualityComparer<TProjection>.Default;
        // The seed mode runs a seed's run without faults once; in systematic mode every interleaving has its own.
        var withoutFaults = new Dictionary<ulong, (SimulationResult Result, TProjection? Projection)>();
        return Check(IdempotenceProperty, o, kind => kind == NotIdempotent, async (run, seed, plan, trace) =>
        {
            if (o.Systematic is not null || !withoutFaults.TryGetValue(seed, out var clean))
            {
                var (cleanResult, cleanStore) = await RunWithStore(run, o, IdempotenceProperty, seed, FaultPlan.None, null, null).ConfigureAwait(false);
                clean = (cleanResult, cleanResult.Passed ? projection(cleanStore) : default);
                if (o.Systematic is null)
                {
                    withoutFaults[seed] = clean;
                }
            }

            if (!clean.Result.Passed)
            {
                return clean.Result;
            }

            return await Run(run, o, IdempotenceProperty, seed, plan, (store, _) =>
            {
                var projected = projection(store);
                return equal.Equals(projected, clean.Projection!)
                    ? null
                    : (NotIdempotent, $"with faults the handled results project to [{projected}]; without faults to [{clean.Projection}]");
            }, trace).ConfigureAwait(false);
        });
    }

    /// <summary>No handling after revocation: a worker never hands your handler a batch once its member's ownership of the
    /// partition has ended (the revocation completed, or the partition was lost), checked at every hand-over against the
    /// simulator's own account of ownership. Violation kind <c>handled-after-revocation</c>. Runs stopped early by another
    /// violation count as passing here; see <see cref="AtLeastOnce(HandlerTestOptions?)"/> for those.</summary>
    public HandlerCheckResult NoHandlingAfterRevocation(HandlerTestOptions? options = null)
    {
        var o = Valid(options);
        return Check(RevocationProperty, o, kind => kind == ViolationKinds.HandledAfterRevocation,
            (run, seed, plan, trace) => Run(run, o, RevocationProperty, seed, plan, null, trace));
    }

    /// <summary><see cref="AtLeastOnce(HandlerTestOptions?)"/>, throwing a <see cref="HandlerPropertyException"/> with the
    /// seed and story on failure.</summary>
    public void CheckAtLeastOnce(HandlerTestOptions? options = null) => AtLeastOnce(options).ThrowIfFailed();

    /// <summary><see cref="AtLeastOnce(Func{TStore, IEnumerable{ValueTuple{string, int, long}}}, HandlerTestOptions?)"/>,
    /// throwing a <see cref="HandlerPropertyException"/> with the seed and story on failure.</summary>
    public void CheckAtLeastOnce(Func<TStore, IEnumerable<(string Topic, int Partition, long Offset)>> applied, HandlerTestOptions? options = null) =>
        AtLeastOnce(applied, options).ThrowIfFailed();

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

    private static bool IsAtLeastOnceKind(string kind) => kind != ViolationKinds.HandledAfterRevocation;

    /// <summary>The messages still in the log that <paramref name="applied"/> lacks, as a violation, or null.</summary>
    private static (string Kind, string Detail)? Unapplied(IEnumerable<(string Topic, int Partition, long Offset)> applied, IReadOnlyList<PartitionOutcome> partitions)
    {
        var seen = applied.ToHashSet();
        var missing = 0L;
        var examples = new List<string>();
        foreach (var p in partitions)
        {
            for (var offset = p.LogStart; offset < p.HighWatermark; offset++)
            {
                if (!seen.Contains((p.Topic, p.Partition, offset)) && ++missing <= 5)
                {
                    examples.Add(string.Create(CultureInfo.InvariantCulture, $"{p.Topic}/{p.Partition}@{offset}"));
                }
            }
        }

        return missing == 0
            ? null
            : (NotApplied, string.Create(CultureInfo.InvariantCulture,
                $"{missing} message(s) were handed to the handler, returned from and committed, but the store does not show them applied, e.g. {string.Join(", ", examples)}"));
    }

    /// <summary>One run of a seed and plan with a fresh store, checked at its end by <paramref name="checkAtEnd"/> when
    /// given, and recorded into <paramref name="trace"/> when given (the seed mode only).</summary>
    private async Task<SimulationResult> Run(Runner run, HandlerTestOptions o, string property, ulong seed, FaultPlan plan,
        Func<TStore, IReadOnlyList<PartitionOutcome>, (string Kind, string Detail)?>? checkAtEnd, TraceSink? trace) =>
        (await RunWithStore(run, o, property, seed, plan, checkAtEnd, trace).ConfigureAwait(false)).Result;

    private IMessageHandler Built(IMessageHandler handler)
    {
        _handlerAssemblies.TryAdd(handler.GetType().Assembly, true);
        return handler;
    }

    private async Task<(SimulationResult Result, TStore Store)> RunWithStore(Runner run, HandlerTestOptions o, string property, ulong seed,
        FaultPlan plan, Func<TStore, IReadOnlyList<PartitionOutcome>, (string Kind, string Detail)?>? checkAtEnd, TraceSink? trace)
    {
        var store = _newStore();
        var content = o.Content;
        var user = new UserHandler(() => Built(_newHandler(store)), (tp, offset) =>
        {
            var body = content(tp, offset);
            return (body.Key, body.Value);
        })
        {
            Name = $"handler test kit: {property}",
            CheckAtEnd = checkAtEnd is null ? null : partitions => checkAtEnd(store, partitions),
        };
        return (await run(o.Shape with { UserHandler = user }, seed, plan, trace).ConfigureAwait(false), store);
    }

    /// <summary>Runs a world: <see cref="OnClock"/> in the seed mode, <see cref="Simulator.RunControlledAsync"/> in
    /// systematic mode.</summary>
    private delegate Task<SimulationResult> Runner(SimulationOptions shape, ulong seed, FaultPlan plan, TraceSink? trace);

    /// <summary>The seed mode's run: on the simulator's thread, so the task it returns has completed.</summary>
    private static Task<SimulationResult> OnClock(SimulationOptions shape, ulong seed, FaultPlan plan, TraceSink? trace) =>
        Task.FromResult(Simulator.Run(shape, seed, plan, trace));

    private static Task<SimulationResult> Controlled(SimulationOptions shape, ulong seed, FaultPlan plan, TraceSink? trace) =>
        Simulator.RunControlledAsync(shape, seed, plan);

    /// <summary>Runs the seeds in order until one fails <paramref name="judge"/> with a violation of this property's kind
    /// (<paramref name="isOwnKind"/>; other violations are other properties' and pass here), then shrinks that one with
    /// the same judge (a candidate counts only if it fails the same way). The result can record the shrunk run again. In
    /// systematic mode, <see cref="SystematicCheck"/> explores the first seed's interleavings with the same judge.</summary>
    private HandlerCheckResult Check(string property, HandlerTestOptions o, Func<string, bool> isOwnKind,
        Func<Runner, ulong, FaultPlan, TraceSink?, Task<SimulationResult>> judge)
    {
        if (o.Systematic is not null)
        {
            return SystematicCheck.Run(property, o, isOwnKind, (seed, plan) => judge(Controlled, seed, plan, null),
                () => [_newHandler.Method.Module.Assembly, .. _handlerAssemblies.Keys]);
        }

        SimulationResult Judge(ulong seed, FaultPlan plan, TraceSink? trace)
        {
            // Every await in a seed-mode judge is on a completed task (OnClock's): this does not block.
            var result = judge(OnClock, seed, plan, trace).GetAwaiter().GetResult();
            return result.Violation is { } violation && !isOwnKind(violation.Kind) ? result with { Violation = null } : result;
        }

        for (var i = 0; i < o.Seeds; i++)
        {
            var seed = unchecked(o.FirstSeed + (ulong)i);
            var failing = Judge(seed, o.Plan ?? FaultPlan.Draw(seed, o.Shape), null);
            if (!failing.Passed)
            {
                var shrunk = Shrinker.Shrink(o.Shape, failing, plan => Judge(seed, plan, null), o.MaxShrinkRuns);
                return new HandlerCheckResult(property, i + 1, failing, shrunk) { Recorder = trace => Judge(seed, shrunk.Minimal.Plan, trace) };
            }
        }

        return new HandlerCheckResult(property, o.Seeds, null, null);
    }
}
