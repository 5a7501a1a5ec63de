namespace Elsa.Sim.Core;

/// <summary>A consumer group's configuration, with Elsa's option names and defaults (<c>group</c>, <c>topics</c>,
/// <c>handler</c>, <c>handler_init_args</c>, <c>assignment_received_handler</c>, <c>assignments_revoked_handler</c>,
/// <c>direct_ack</c>, the commit interval, and the consumer <c>config</c>). Check it with <see cref="Validate"/>; the
/// <see cref="GroupMachine"/> refuses an invalid one.</summary>
public sealed record GroupConfig
{
    /// <summary><c>group</c>: the consumer group's id.</summary>
    public required string Group { get; init; }

    /// <summary><c>topics</c>: the topics the group subscribes to.</summary>
    public required ValueList<string> Topics { get; init; }

    /// <summary><c>handler</c>: the <see cref="IMessageHandler"/> type a host creates for every worker. The pure machine
    /// never calls it; hosts do.</summary>
    public Type? Handler { get; init; }

    /// <summary><c>handler_init_args</c>: what every handler's <see cref="IMessageHandler.InitAsync"/> receives.</summary>
    public object? HandlerInitArgs { get; init; }

    /// <summary><c>assignment_received_handler</c>: called per assigned partition before any worker starts; an error
    /// stops the manager. Null means Elsa's default, which returns ok.</summary>
    public AssignmentReceivedCallback? AssignmentReceivedHandler { get; init; }

    /// <summary><c>assignments_revoked_handler</c>: called after revoked partitions' workers stopped and their acks were
    /// committed. Null means Elsa's default, which does nothing.</summary>
    public AssignmentsRevokedCallback? AssignmentsRevokedHandler { get; init; }

    /// <summary><c>direct_ack</c>: commit each ack at once instead of on the commit interval. Default false.</summary>
    public bool DirectAck { get; init; }

    /// <summary>How often acked offsets are committed (brod's <c>offset_commit_interval_seconds</c>). Default 5 000 ms.</summary>
    public long CommitIntervalMs { get; init; } = 5_000;

    /// <summary>With <see cref="DirectAck"/>: how long after a retriable commit failure the offsets are sent again
    /// (Kafka's <c>retry.backoff.ms</c>). Without it, a failed commit goes out with the next interval's. Default 100 ms.</summary>
    public long CommitRetryBackoffMs { get; init; } = 100;

    /// <summary><c>config</c>: the consumer options.</summary>
    public ElsaConsumerConfig Config { get; init; } = new();

    /// <summary>How crashed workers are restarted.</summary>
    public RestartConfig Restart { get; init; } = new();

    /// <summary>Every problem with this configuration, in a stable order; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Group))
        {
            problems.Add("group must be a non-empty name");
        }

        if (Topics.IsEmpty)
        {
            problems.Add("topics must name at least one topic");
        }

        foreach (var topic in Topics)
        {
            if (string.IsNullOrWhiteSpace(topic))
            {
                problems.Add("topics must not contain an empty name");
            }
        }

        foreach (var duplicate in Topics.GroupBy(t => t, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"topics names '{duplicate.Key}' more than once");
        }

        if (Handler is not null && (!typeof(IMessageHandler).IsAssignableFrom(Handler) || Handler.IsAbstract))
        {
            problems.Add($"handler must be a concrete class implementing {nameof(IMessageHandler)} (was {Handler.FullName})");
        }

        if (CommitIntervalMs < 1)
        {
            problems.Add($"commit_interval must be at least 1 ms (was {CommitIntervalMs})");
        }

        if (CommitRetryBackoffMs < 1)
        {
            problems.Add($"commit_retry_backoff must be at least 1 ms (was {CommitRetryBackoffMs})");
        }

        if (Config is null)
        {
            problems.Add("config must not be null");
        }
        else
        {
            problems.AddRange(Config.Problems());
        }

        if (Restart is null)
        {
            problems.Add("restart must not be null");
        }
        else
        {
            problems.AddRange(Restart.Problems());
        }

        return problems;
    }

    /// <summary>Throws one <see cref="InvalidConfigurationException"/> naming every problem, if there are any.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems);
        }
    }
}
