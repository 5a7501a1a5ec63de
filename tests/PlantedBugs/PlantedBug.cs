using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>One planted bug: a group manager with the bug (<see cref="Machine"/>) or a client port that plants a host's
/// bug around the real one (<see cref="Port"/>), and what it should break.</summary>
/// <param name="Name">The bug's name (its class's).</param>
/// <param name="Layer">Where it is planted: <c>core</c> (the group manager) or <c>host</c> (between host and client).</param>
/// <param name="Machine">Builds the planted group manager, for a core bug.</param>
/// <param name="Port">Wraps the real port, for a host bug.</param>
public sealed record PlantedBug(string Name, string Layer, Func<GroupConfig, IGroupMachine>? Machine = null, Func<IConsumerPort, IConsumerPort>? Port = null)
{
    /// <summary>Every planted bug, core first.</summary>
    public static IReadOnlyList<PlantedBug> All { get; } =
    [
        Core(nameof(AcceptsStaleAcks), c => new AcceptsStaleAcks(c)),
        Core(nameof(CommitAfterCompletingRevocation), c => new CommitAfterCompletingRevocation(c)),
        Core(nameof(CommitsAfterLoss), c => new CommitsAfterLoss(c)),
        Core(nameof(CommitsBeforeHandling), c => new CommitsBeforeHandling(c)),
        Core(nameof(DropsAcksDuringRevocation), c => new DropsAcksDuringRevocation(c)),
        Core(nameof(FencedCommitTakenAsDone), c => new FencedCommitTakenAsDone(c)),
        Core(nameof(IgnoresCommittedOffsets), c => new IgnoresCommittedOffsets(c)),
        Core(nameof(ParksCrashedPartitions), c => new ParksCrashedPartitions(c)),
        Core(nameof(ResetPositionDoesNotStick), c => new ResetPositionDoesNotStick(c)),
        Core(nameof(RestartsAtLatest), c => new RestartsAtLatest(c)),
        Core(nameof(RestartsAtSymbolicStart), c => new RestartsAtSymbolicStart(c)),
        Core(nameof(RevocationCompletesEarly), c => new RevocationCompletesEarly(c)),
        Core(nameof(RevocationNeverCompletes), c => new RevocationNeverCompletes(c)),
        Core(nameof(RevokesWithoutStoppingWorkers), c => new RevokesWithoutStoppingWorkers(c)),
        Core(nameof(ShutdownCommitsBelowAcked), c => new ShutdownCommitsBelowAcked(c)),
        Core(nameof(ShutdownCompletesEarly), c => new ShutdownCompletesEarly(c)),
        Core(nameof(SkipsPastAckGap), c => new SkipsPastAckGap(c)),
        Core(nameof(StartsBeforeOldWorkerStopped), c => new StartsBeforeOldWorkerStopped(c)),
        Host(nameof(CommitsFetchedPosition), p => new CommitsFetchedPosition(p)),
        Host(nameof(RevocationReturnsEarly), p => new RevocationReturnsEarly(p)),
        Host(nameof(SeeksPastTheAck), p => new SeeksPastTheAck(p)),
        Host(nameof(SkipsCommitBarrier), p => new SkipsCommitBarrier(p)),
        Host(nameof(WindowNeverResumes), p => new WindowNeverResumes(p)),
    ];

    /// <summary>The bug named <paramref name="name"/>.</summary>
    public static PlantedBug Named(string name) =>
        All.FirstOrDefault(b => b.Name == name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, "no planted bug of that name");

    private static PlantedBug Core(string name, Func<GroupConfig, IGroupMachine> machine) => new(name, "core", Machine: machine);

    private static PlantedBug Host(string name, Func<IConsumerPort, IConsumerPort> port) => new(name, "host", Port: port);
}
