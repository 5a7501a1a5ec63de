namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Configuration: Elsa's option names and defaults; an invalid one fails at construction, naming every problem.</summary>
public sealed class ConfigurationSpecs
{
    [Fact]
    public void Defaults_are_Elsas()
    {
        var consumer = new ElsaConsumerConfig();
        Assert.Equal(0, consumer.MinBytes);
        Assert.Equal(1_048_576, consumer.MaxBytes);
        Assert.Equal(10_000, consumer.MaxWaitTimeMs);
        Assert.Equal(1_000, consumer.SleepTimeoutMs);
        Assert.Equal(10, consumer.PrefetchCount);
        Assert.Equal(102_400, consumer.PrefetchBytes);
        Assert.Equal(StartPosition.Latest, consumer.BeginOffset);
        Assert.Equal(OffsetResetPolicy.ResetToEarliest, consumer.OffsetResetPolicy);

        var config = new GroupConfig { Group = "group-1", Topics = ValueList.Of("orders") };
        Assert.False(config.DirectAck);
        Assert.Equal(5_000, config.CommitIntervalMs);
        Assert.Null(config.AssignmentReceivedHandler);
        Assert.Null(config.AssignmentsRevokedHandler);
        Assert.Empty(config.Validate());
        Assert.Same(config, new GroupMachine(config).Config);
    }

    [Fact]
    public void Invalid_configuration_throws_one_exception_naming_every_problem()
    {
        var config = new GroupConfig
        {
            Group = "",
            Topics = ValueList.Of("orders", "orders", " "),
            Handler = typeof(string),
            CommitIntervalMs = 0,
            Config = new ElsaConsumerConfig
            {
                MinBytes = -1,
                MaxBytes = 0,
                MaxWaitTimeMs = -1,
                SleepTimeoutMs = -1,
                PrefetchCount = -1,
                PrefetchBytes = -1,
                OffsetResetPolicy = (OffsetResetPolicy)7,
            },
            Restart = new RestartConfig
            {
                BackoffMs = -1,
                MaxBackoffMs = -2,
                MaxRestarts = -1,
                WithinMs = 0,
                WhenExhausted = (RestartExhaustedPolicy)9,
            },
        };
        string[] named =
        [
            "group must", "topics must not contain an empty name", "topics names 'orders' more than once", "handler must",
            "commit_interval", "config.min_bytes", "config.max_bytes", "config.max_wait_time", "config.sleep_timeout",
            "config.prefetch_count", "config.prefetch_bytes", "config.offset_reset_policy", "restart.backoff must",
            "restart.max_backoff", "restart.max_restarts", "restart.within", "restart.when_exhausted",
        ];

        var thrown = Assert.Throws<InvalidConfigurationException>(() => new GroupMachine(config));

        Assert.Equal(named.Length, thrown.Problems.Count);
        Assert.All(named, problem =>
        {
            Assert.Single(thrown.Problems, p => p.Contains(problem, StringComparison.Ordinal));
            Assert.Contains(problem, thrown.Message, StringComparison.Ordinal);
        });
    }
}
