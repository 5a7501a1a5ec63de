using System.Globalization;

namespace HandlerTesting;

/// <summary>Stands in for the database the payment handlers write to: account balances, and which messages were applied
/// (kept in the same "transaction" as the balance, so a redelivered message can be recognised).</summary>
public sealed class Ledger
{
    private readonly SortedDictionary<string, long> _balances = new(StringComparer.Ordinal);
    private readonly HashSet<(string Topic, int Partition, long Offset)> _applied = [];

    public void Credit(string account, long amount) => _balances[account] = _balances.GetValueOrDefault(account) + amount;

    /// <summary>True the first time a message is seen, false for a redelivery.</summary>
    public bool MarkApplied(string topic, int partition, long offset) => _applied.Add((topic, partition, offset));

    /// <summary>Every message applied, by topic, partition and offset: the kit checks it covers every message.</summary>
    public IEnumerable<(string Topic, int Partition, long Offset)> Applied() => _applied;

    /// <summary>The balances, one line: what must not change when messages are redelivered.</summary>
    public string Balances() => string.Join(", ", _balances.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key}={b.Value}")));
}
