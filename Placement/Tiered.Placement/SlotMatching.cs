using System.Buffers;

namespace Tiered.Placement;

/// <summary>
/// Position-stable placement of a key's k+r chunks on distinct nodes: a greedy matching of chunk slots to nodes by
/// per-pair rendezvous scores.
/// </summary>
/// <remarks>
/// Slot i scores node x with the rendezvous score of (<see cref="KeyHash.ForSlot"/>(key, i), x). All slot–node pairs are
/// taken from the highest score down, skipping pairs whose slot or node is already taken; the result is the unique stable
/// matching for these scores and does not depend on the order of members. When a node joins, the layout changes only where
/// one of its pairs now wins, plus a short chain of displacements, so the chunks that move stay close to the 1/(n+1) that
/// must move. Sequential per-slot draws (slot i takes its best node not used by slots 0..i-1) move more (about 1.33× the
/// ideal for 12 chunks on 24 nodes), because a newcomer also displaces every slot whose first choices were taken.
/// Cost: k+r times n scores, plus a rescan of a slot's row whenever its best node is taken.
/// </remarks>
internal static class SlotMatching
{
    private const int StackScores = 2048;

    public static void Match(RendezvousScores scores, ulong keyHash, Span<int> indices)
    {
        int slots = indices.Length, n = scores.Count;
        int cells = slots * n;
        double[]? rentedScores = null;
        Span<double> matrix = cells <= StackScores ? stackalloc double[StackScores] : (rentedScores = ArrayPool<double>.Shared.Rent(cells));
        bool[]? rentedTaken = null;
        Span<bool> nodeTaken = n <= 1024 ? stackalloc bool[1024] : (rentedTaken = ArrayPool<bool>.Shared.Rent(n));
        nodeTaken = nodeTaken[..n];
        nodeTaken.Clear();
        Span<int> best = slots <= 256 ? stackalloc int[256] : new int[slots];
        try
        {
            for (int slot = 0; slot < slots; slot++)
            {
                ulong slotHash = KeyHash.ForSlot(keyHash, slot);
                var row = matrix.Slice(slot * n, n);
                for (int node = 0; node < n; node++) row[node] = scores.Score(slotHash, node);
                best[slot] = BestFree(scores, row, nodeTaken);
                indices[slot] = -1;
            }
            for (int round = 0; round < slots; round++)
            {
                int winner = -1;
                double top = 0;
                for (int slot = 0; slot < slots; slot++)
                {
                    if (indices[slot] >= 0) continue;
                    double score = matrix[slot * n + best[slot]];
                    if (winner < 0 || score > top) { winner = slot; top = score; }
                }
                int node = best[winner];
                indices[winner] = node;
                nodeTaken[node] = true;
                for (int slot = 0; slot < slots; slot++)
                    if (indices[slot] < 0 && best[slot] == node)
                        best[slot] = BestFree(scores, matrix.Slice(slot * n, n), nodeTaken);
            }
        }
        finally
        {
            if (rentedScores is not null) ArrayPool<double>.Shared.Return(rentedScores);
            if (rentedTaken is not null) ArrayPool<bool>.Shared.Return(rentedTaken);
        }
    }

    private static int BestFree(RendezvousScores scores, ReadOnlySpan<double> row, ReadOnlySpan<bool> taken)
    {
        int best = -1;
        for (int node = 0; node < row.Length; node++)
        {
            if (taken[node]) continue;
            if (best < 0 || row[node] > row[best] || (row[node] == row[best] && scores.NameHash(node) < scores.NameHash(best))) best = node;
        }
        return best;
    }
}
