using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Cli.Kafka;

/// <summary>Asks a Kafka cluster, once and within a bound, whether it answers and which of the wanted topics it has,
/// before <c>consume</c> joins a group: librdkafka itself retries an unreachable broker and waits for a missing topic
/// forever, so without this a wrong address or topic name looks like a quiet topic.</summary>
internal static partial class ClusterCheck
{
    /// <summary>Whether a broker of <paramref name="bootstrapServers"/> answered within <paramref name="timeout"/>, and
    /// which of <paramref name="topics"/> it does not have. Asks for every topic's metadata rather than the wanted ones',
    /// which a broker with auto-creation on would create.</summary>
    public static ClusterAnswer Ask(string bootstrapServers, IReadOnlyList<string> topics, TimeSpan timeout, ILogger logger)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            // librdkafka's own account of each attempt, for --verbose: the answer below says what went wrong once.
            .SetLogHandler((_, message) => Librdkafka(logger, message.Facility, message.Message))
            .SetErrorHandler((_, error) => Librdkafka(logger, error.Code.ToString(), error.Reason))
            .Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(timeout);
        }
        catch (KafkaException e)
        {
            NoAnswer(logger, e.Error.Code.ToString(), e.Error.Reason);
            return new ClusterAnswer(Reachable: false, []);
        }

        var present = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
        return new ClusterAnswer(Reachable: true, [.. topics.Where(t => !present.Contains(t))]);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "librdkafka {Facility}: {Text}")]
    private static partial void Librdkafka(ILogger logger, string facility, string text);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "The metadata request got no answer: {Code}: {Reason}")]
    private static partial void NoAnswer(ILogger logger, string code, string reason);
}

/// <summary>What a cluster said to <see cref="ClusterCheck.Ask"/>.</summary>
/// <param name="Reachable">Whether a broker answered in time.</param>
/// <param name="MissingTopics">The wanted topics the cluster does not have (none when it did not answer).</param>
internal sealed record ClusterAnswer(bool Reachable, IReadOnlyList<string> MissingTopics);
