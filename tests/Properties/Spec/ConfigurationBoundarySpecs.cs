namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Every configuration limit at its edge: the smallest valid value passes, the one past it is named.</summary>
public sealed class ConfigurationBoundarySpecs
{
    [Fact]
    public void The_smallest_valid_value_of_every_consumer_setting_passes()
    {
        var edge = new ElsaConsumerConfig
        {
            MinBytes = 0, MaxBytes = 1, MaxWaitTimeMs = 0, SleepTimeoutMs = 0, PrefetchCount = 0, PrefetchBytes = 0,
        };
        Assert.Empty(edge.Problems());
        Assert.Empty((edge with { MinBytes = 1 }).Problems());
        Assert.Empty((Group(edge) with { CommitIntervalMs = 1, CommitRetryBackoffMs = 1 }).Validate());
    }

    [Fact]
    public void Min_bytes_above_max_bytes_is_named_down_to_a_max_bytes_of_one()
    {
        Assert.Equal(["config.min_bytes (2) must not exceed config.max_bytes (1)"], new ElsaConsumerConfig { MinBytes = 2, MaxBytes = 1 }.Problems());
        Assert.Equal(["config.min_bytes (5) must not exceed config.max_bytes (2)"], new ElsaConsumerConfig { MinBytes = 5, MaxBytes = 2 }.Problems());
    }

    [Fact]
    public void A_group_without_topics_retry_backoff_config_or_restart_policy_is_refused_naming_each()
    {
        var config = new GroupConfig { Group = "g", Topics = ValueList<string>.Empty, CommitRetryBackoffMs = 0, Config = null!, Restart = null! };

        var problems = config.Validate();

        Assert.Contains("topics must name at least one topic", problems);
        Assert.Contains("commit_retry_backoff must be at least 1 ms (was 0)", problems);
        Assert.Contains("config must not be null", problems);
        Assert.Contains("restart must not be null", problems);
    }

    [Fact]
    public void The_exception_counts_its_problems_in_words()
    {
        Assert.StartsWith("Invalid configuration (1 problem):", new InvalidConfigurationException(["a"]).Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid configuration (2 problems):", new InvalidConfigurationException(["a", "b"]).Message, StringComparison.Ordinal);
    }

    private static GroupConfig Group(ElsaConsumerConfig consumer) => new() { Group = "g", Topics = ValueList.Of("orders"), Config = consumer };
}
