using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka.DeadLetters;
using Elsa.Sim.Kafka.Port;
using Microsoft.Extensions.Options;

namespace Elsa.Sim.Kafka.Options;

/// <summary>Checks <see cref="KafkaConsumerOptions"/> and names every problem at once: the host's checks
/// (<c>ElsaConsumerOptionsValidator</c>, which asks the core about what it understands), then what librdkafka needs.</summary>
internal sealed class KafkaConsumerOptionsValidator : IValidateOptions<KafkaConsumerOptions>
{
    // librdkafka's documented ranges for the properties Elsa's options map onto (CONFIGURATION.md).
    private const int FetchWaitMaxMs = 300_000;
    private const int MaxPartitionFetchBytes = 1_000_000_000;
    private const int FetchMinBytesMax = 100_000_000;
    private const int SessionTimeoutMaxMs = 3_600_000;
    private const int DefaultMaxPollIntervalMs = 300_000;

    public ValidateOptionsResult Validate(string? name, KafkaConsumerOptions options)
    {
        var problems = Problems(options, handlerFromServices: true);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem, in a stable order: the host's, then the adapter's.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="handlerFromServices">False when handlers are made with a parameterless constructor.</param>
    public static IReadOnlyList<string> Problems(KafkaConsumerOptions options, bool handlerFromServices)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ElsaConsumerOptionsValidator.Problems(options, handlerFromServices);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            problems.Add("bootstrap_servers must name at least one broker (host:port)");
        }

        if (!Enum.IsDefined(options.AssignmentStrategy))
        {
            problems.Add($"assignment_strategy must be range, roundrobin or cooperative-sticky (was {(int)options.AssignmentStrategy})");
        }

        if (!Enum.IsDefined(options.GroupProtocol))
        {
            problems.Add($"group_protocol must be classic or consumer (was {(int)options.GroupProtocol})");
        }
        else if (options.GroupProtocol == ConsumerGroupProtocol.Consumer)
        {
            if (options.AssignmentStrategy != AssignmentStrategy.Range)
            {
                problems.Add($"assignment_strategy ({options.AssignmentStrategy}) cannot be set with group_protocol consumer: the coordinator assigns (KIP-848)");
            }

            if (options.SessionTimeoutMs is not null)
            {
                problems.Add("session_timeout cannot be set with group_protocol consumer: the broker's group.consumer.session.timeout.ms applies (KIP-848)");
            }
        }

        if (options.GroupInstanceId is { } instance && string.IsNullOrWhiteSpace(instance))
        {
            problems.Add("group_instance_id must be null or a non-empty name");
        }

        if (options.SessionTimeoutMs is { } session && session is < 1 or > SessionTimeoutMaxMs)
        {
            problems.Add($"session_timeout must be 1 to {SessionTimeoutMaxMs} ms (was {session})");
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

        if (options.DeadLetterTopic is { } deadLetterTopic && (string.IsNullOrWhiteSpace(deadLetterTopic) || deadLetterTopic.Length > 249))
        {
            problems.Add($"dead_letter_topic must be null or a topic name of 1 to 249 characters (was '{deadLetterTopic}')");
        }

        if (options.DeadLetterTopic is not null && options.DeadLetters is not null)
        {
            problems.Add("dead_letter_topic and dead_letters are both set: give the consumer one dead-letter destination");
        }

        if (options.DeadLetterTopic is { } dlq && options.Topics?.Contains(dlq) == true)
        {
            problems.Add($"dead_letter_topic '{dlq}' is one of the consumed topics: a poison message would come back to the handler it failed");
        }

        if (options.DeadLetterProperties is null)
        {
            problems.Add("dead_letter_properties must not be null");
        }
        else
        {
            foreach (var key in options.DeadLetterProperties.Keys.Order(StringComparer.Ordinal))
            {
                if (string.IsNullOrWhiteSpace(key) || KafkaDeadLetterWriter.ManagedProperties.Contains(key))
                {
                    problems.Add($"dead_letter_properties must not set '{key}': {(string.IsNullOrWhiteSpace(key) ? "an empty property name" : "the dead-letter producer sets it itself")}");
                }
            }
        }

        return problems;
    }

    private static long MaxPollIntervalMs(KafkaConsumerOptions options) =>
        options.KafkaProperties?.TryGetValue("max.poll.interval.ms", out var text) == true &&
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : DefaultMaxPollIntervalMs;
}
