using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Port;
using Microsoft.Extensions.Options;

namespace Elsa.Sim.Kafka.Options;

/// <summary>Checks <see cref="ElsaConsumerOptions"/> and names every problem at once. The parts the core understands are
/// checked by <see cref="GroupConfig.Validate"/> (one source of truth); this adds only what the Kafka adapter needs.</summary>
internal sealed class ElsaConsumerOptionsValidator : IValidateOptions<ElsaConsumerOptions>
{
    // librdkafka's documented ranges for the properties Elsa's options map onto (CONFIGURATION.md).
    private const int FetchWaitMaxMs = 300_000;
    private const int MaxPartitionFetchBytes = 1_000_000_000;
    private const int FetchMinBytesMax = 100_000_000;
    private const int SessionTimeoutMaxMs = 3_600_000;
    private const int DefaultMaxPollIntervalMs = 300_000;

    public ValidateOptionsResult Validate(string? name, ElsaConsumerOptions options)
    {
        var problems = Problems(options, requireBootstrapServers: true, handlerFromServices: true);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem, in a stable order: the configuration's the options were bound from, then the core's, then
    /// the adapter's.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="requireBootstrapServers">False when the caller supplies its own port (a simulated broker).</param>
    /// <param name="handlerFromServices">False when handlers are made with a parameterless constructor.</param>
    public static IReadOnlyList<string> Problems(ElsaConsumerOptions options, bool requireBootstrapServers, bool handlerFromServices)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>(options.ConfigurationProblems);
        problems.AddRange(options.ToGroupConfig().Validate());
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            problems.Add("name must be a non-empty name: it tells this consumer's metrics and health check from another's");
        }

        if (options.Handler is null)
        {
            problems.Add("handler must name an IMessageHandler type: the consumer creates one per worker");
        }
        else if (!handlerFromServices && typeof(IMessageHandler).IsAssignableFrom(options.Handler) && !options.Handler.IsAbstract &&
                 options.Handler.GetConstructor(Type.EmptyTypes) is null)
        {
            problems.Add($"handler {options.Handler.FullName} needs a public parameterless constructor when no IServiceProvider is given");
        }

        if (requireBootstrapServers && string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            problems.Add("bootstrap_servers must name at least one broker (host:port)");
        }

        if (!Enum.IsDefined(options.AssignmentStrategy))
        {
            problems.Add($"assignment_strategy must be range, roundrobin or cooperative-sticky (was {(int)options.AssignmentStrategy})");
        }

        if (options.GroupInstanceId is { } instance && string.IsNullOrWhiteSpace(instance))
        {
            problems.Add("group_instance_id must be null or a non-empty name");
        }

        if (options.SessionTimeoutMs is { } session && session is < 1 or > SessionTimeoutMaxMs)
        {
            problems.Add($"session_timeout must be 1 to {SessionTimeoutMaxMs} ms (was {session})");
        }

        if (options.RebalanceTimeoutMs < 1)
        {
            problems.Add($"rebalance_timeout must be at least 1 ms (was {options.RebalanceTimeoutMs})");
        }

        // The consume thread does not poll while a rebalance callback waits, and librdkafka drops a member that does not
        // poll within max.poll.interval.ms; librdkafka itself refuses a session timeout above it.
        var maxPollIntervalMs = MaxPollIntervalMs(options);
        if (options.RebalanceTimeoutMs >= maxPollIntervalMs)
        {
            problems.Add($"rebalance_timeout ({options.RebalanceTimeoutMs} ms) must be below max.poll.interval.ms ({maxPollIntervalMs} ms)");
        }

        if (options.SessionTimeoutMs is { } sessionMs && sessionMs > maxPollIntervalMs)
        {
            problems.Add($"session_timeout ({sessionMs} ms) must not exceed max.poll.interval.ms ({maxPollIntervalMs} ms)");
        }

        if (options.RequestTimeoutMs < 1)
        {
            problems.Add($"request_timeout must be at least 1 ms (was {options.RequestTimeoutMs})");
        }

        if (options.Config is { } config)
        {
            // Only the upper bounds librdkafka adds; the lower bounds are the core's.
            if (config.MaxWaitTimeMs > FetchWaitMaxMs)
            {
                problems.Add($"config.max_wait_time must be at most {FetchWaitMaxMs} ms for librdkafka (was {config.MaxWaitTimeMs})");
            }

            if (config.MaxBytes > MaxPartitionFetchBytes)
            {
                problems.Add($"config.max_bytes must be at most {MaxPartitionFetchBytes} for librdkafka (was {config.MaxBytes})");
            }

            if (config.MinBytes > FetchMinBytesMax)
            {
                problems.Add($"config.min_bytes must be at most {FetchMinBytesMax} for librdkafka (was {config.MinBytes})");
            }
        }

        if (options.KafkaProperties is null)
        {
            problems.Add("kafka_properties must not be null");
        }
        else
        {
            foreach (var key in options.KafkaProperties.Keys.Order(StringComparer.Ordinal))
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    problems.Add("kafka_properties must not contain an empty property name");
                }
                else if (ConfluentConfig.ManagedProperties.Contains(key))
                {
                    problems.Add($"kafka_properties must not set '{key}': the adapter sets it from its own options");
                }
            }
        }

        return problems;
    }

    private static long MaxPollIntervalMs(ElsaConsumerOptions options) =>
        options.KafkaProperties?.TryGetValue("max.poll.interval.ms", out var text) == true &&
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : DefaultMaxPollIntervalMs;
}
