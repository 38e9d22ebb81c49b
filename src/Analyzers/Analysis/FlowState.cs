using System;

namespace TlsShutdown.Analyzers.Analysis;

/// <summary>
/// Per connection, the facts that hold on some path (<see cref="May"/>) and on every path
/// (<see cref="Must"/>) reaching a program point. Joins are union and intersection; the lattice is
/// finite, so the worklist terminates. <see cref="Pending"/> is a gen/kill fact: set by what makes a
/// connection live, cleared by what ends it, so "some path reaches here with the connection live" is
/// <c>MayHave(Pending)</c>.
/// </summary>
internal sealed class FlowState
{
    public const ushort Authenticated = 1;
    public const ushort Shutdown = 2;       // ShutdownAsync was called
    public const ushort Graceful = 4;       // GracefulTlsClose, or BouncyCastle's own Close
    public const ushort Closed = 8;
    public const ushort Escaped = 16;       // ownership left the method
    public const ushort Abortive = 32;      // linger 0 / Close(0): a deliberate reset
    public const ushort Error = 64;         // on a path through a catch block or a failed handshake
    public const ushort Pending = 128;      // live: authenticated and not yet shut down, closed, given away or failed
    public const ushort PassedOn = 256;     // handed to a constructor that may keep it (the method may still close it)

    /// <summary>What ends a connection's pending state on a path.</summary>
    public const ushort Ending = Shutdown | Graceful | Closed | Escaped | Abortive | Error;

    private FlowState(ushort[] may, ushort[] must)
    {
        May = may;
        Must = must;
    }

    public ushort[] May { get; }

    public ushort[] Must { get; }

    public static FlowState Uniform(int count, Func<int, ushort> flags)
    {
        var may = new ushort[count];
        var must = new ushort[count];
        for (int i = 0; i < count; i++) may[i] = must[i] = flags(i);
        return new FlowState(may, must);
    }

    public FlowState Clone() => new((ushort[])May.Clone(), (ushort[])Must.Clone());

    public void Set(int connection, ushort flags)
    {
        May[connection] |= flags;
        Must[connection] |= flags;
    }

    public void Clear(int connection, ushort flags)
    {
        May[connection] &= (ushort)~flags;
        Must[connection] &= (ushort)~flags;
    }

    public void Reset(int connection)
    {
        May[connection] = 0;
        Must[connection] = 0;
    }

    public bool MayHave(int connection, ushort flags) => (May[connection] & flags) != 0;

    public bool MustHave(int connection, ushort flags) => (Must[connection] & flags) == flags;

    /// <summary>Joins <paramref name="other"/> into this state; true when something changed.</summary>
    public bool JoinWith(FlowState other)
    {
        bool changed = false;
        for (int i = 0; i < May.Length; i++)
        {
            var may = (ushort)(May[i] | other.May[i]);
            var must = (ushort)(Must[i] & other.Must[i]);
            if (may != May[i] || must != Must[i])
            {
                May[i] = may;
                Must[i] = must;
                changed = true;
            }
        }

        return changed;
    }
}
