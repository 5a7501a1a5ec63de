using System.Collections.Immutable;
using System.Globalization;

namespace HandlerTesting;

/// <summary>One account's row: its balance and the messages applied to it (kept in the same row, so a redelivered
/// message is recognised).</summary>
public sealed record Account(long Balance, ImmutableHashSet<(string Topic, int Partition, long Offset)> Applied)
{
    public static Account Empty { get; } = new(0, []);
}

/// <summary>An in-memory fake of an accounts table behind an async client, safe for concurrent calls: each call takes the
/// table's lock for itself and completes at once, as fakes do. What it does not give is a transaction spanning a read
/// and a later write: that is <see cref="UpdateAsync"/>.</summary>
public sealed class AccountStore
{
    // lock(object), not System.Threading.Lock, which Coyote 1.7.11 does not model.
    private readonly object _gate = new();
    private readonly SortedDictionary<string, Account> _rows = new(StringComparer.Ordinal);

    public ValueTask<Account> ReadAsync(string account)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_rows.GetValueOrDefault(account) ?? Account.Empty);
        }
    }

    public ValueTask WriteAsync(string account, Account row)
    {
        lock (_gate)
        {
            _rows[account] = row;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Reads, changes and writes a row in one critical section, as a transaction (or an atomic UPDATE) would.</summary>
    public ValueTask UpdateAsync(string account, Func<Account, Account> change)
    {
        lock (_gate)
        {
            _rows[account] = change(_rows.GetValueOrDefault(account) ?? Account.Empty);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Every message applied to some account: the kit checks it covers every message.</summary>
    public IEnumerable<(string Topic, int Partition, long Offset)> Applied()
    {
        lock (_gate)
        {
            return [.. _rows.Values.SelectMany(r => r.Applied)];
        }
    }

    /// <summary>The balances, one line: what must not change when messages are redelivered.</summary>
    public string Balances()
    {
        lock (_gate)
        {
            return string.Join(", ", _rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key}={r.Value.Balance}")));
        }
    }
}
