using System.Diagnostics.Metrics;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Threading;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Hosting;

/// <summary>Everything an <see cref="ElsaConsumer"/> takes from outside besides its options and port: where it logs and
/// measures, how it makes handlers, and the seams a simulator or a systematic test replaces — the scheduler its tasks run
/// on, the clock, and the group manager.</summary>
internal sealed record HostSeams
{
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? Time { get; init; }

    public IServiceProvider? Services { get; init; }

    public IMeterFactory? MeterFactory { get; init; }

    public IHostScheduler Scheduler { get; init; } = PoolScheduler.Production;

    public Func<GroupConfig, IGroupMachine> MachineFactory { get; init; } = config => new GroupMachine(config);
}
