using System.Runtime.CompilerServices;

namespace Tiered.Codecs.Kernels;

/// <summary>
/// The vector kernel, specialised per instruction set through <typeparamref name="TOps"/>. Output rows are
/// processed in groups of up to four accumulators held in registers; each input vector is loaded once per
/// group. With more than four rows the shards are walked in cache-sized column blocks so that a block of
/// every input is read from memory once and reused by all the groups.
/// </summary>
internal sealed unsafe class VectorGaloisKernel<TOps, TVector>(string name) : GaloisKernel
    where TOps : IGaloisVectorOps<TVector>
    where TVector : struct
{
    private const int RowsPerGroup = 4;
    private const int ColumnBlockBytes = 16 * 1024;

    public override string Name => name;
    public override bool IsSupported => TOps.IsSupported;
    public override int VectorBytes => TOps.Width;
    internal override int TableStride => TOps.TableStride;
    internal override void WriteTable(byte coefficient, Span<byte> table) => TOps.WriteTable(coefficient, table);

    public override void Multiply(KernelMatrix matrix, byte** inputs, byte** outputs, nint length, int count, nint stride)
    {
        nint vectorLength = length - length % TOps.Width;
        for (int j = 0; j < count; j++)
        {
            nint first = j * stride;
            if (vectorLength > 0) MultiplyVectors(matrix, inputs, outputs, first, first + vectorLength);
            if (vectorLength < length) MultiplyScalar(matrix, inputs, outputs, first + vectorLength, first + length);
        }
    }

    public override void MultiplyWithXor(KernelMatrix row, byte** inputs, byte* xorOutput, byte* output, nint length, int count, nint stride)
    {
        if (row.Rows != 1) throw new ArgumentException("MultiplyWithXor takes a one-row matrix.", nameof(row));
        nint vectorLength = length - length % TOps.Width;
        for (int j = 0; j < count; j++)
        {
            nint first = j * stride;
            if (vectorLength > 0) RowsXorPlusOne(row.Tables, TOps.TableStride, inputs, row.Columns, xorOutput, output, first, first + vectorLength);
            if (vectorLength < length)
            {
                XorKernel.Xor(inputs, row.Columns, xorOutput + first + vectorLength, length - vectorLength, 1, 0, first + vectorLength);
                MultiplyScalar(row, inputs, &output, first + vectorLength, first + length);
            }
        }
    }

    /// <summary>P = ⊕ inputs and Q = Σ t[c]·inputs[c] from one load of each input vector, two columns per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsXorPlusOne(byte* tables, nint columnStep, byte** inputs, int columns, byte* xorOutput, byte* output, nint start, nint end)
    {
        nint width = TOps.Width;
        bool odd = (columns & 1) != 0;
        for (nint pos = start; pos < end; pos += width)
        {
            byte* t = tables;
            TVector p, q;
            int c;
            if (odd)
            {
                p = TOps.Load(inputs[0] + pos);
                q = TOps.Multiply(p, t);
                t += columnStep;
                c = 1;
            }
            else
            {
                p = q = default;
                c = 0;
            }
            for (; c < columns; c += 2)
            {
                var d = TOps.Load(inputs[c] + pos);
                var f = TOps.Load(inputs[c + 1] + pos);
                p = TOps.Xor3(p, d, f);
                q = TOps.Xor3(q, TOps.Multiply(d, t), TOps.Multiply(f, t + columnStep));
                t += 2 * columnStep;
            }
            TOps.Store(xorOutput + pos, p);
            TOps.Store(output + pos, q);
        }
    }

    private static void MultiplyVectors(KernelMatrix matrix, byte** inputs, byte** outputs, nint from, nint to)
    {
        int rows = matrix.Rows, columns = matrix.Columns, stride = TOps.TableStride;
        byte* tables = matrix.Tables;
        nint columnStep = rows * stride;
        nint block = rows <= RowsPerGroup ? to - from : ColumnBlockBytes;
        for (nint start = from; start < to; start += block)
        {
            nint end = Math.Min(start + block, to);
            for (int row = 0; row < rows; row += RowsPerGroup)
            {
                // Tables are [column][row]: the group's first table, then columns are `rows * stride` apart.
                byte* groupTables = tables + row * stride;
                switch (Math.Min(RowsPerGroup, rows - row))
                {
                    case 4: Rows4(groupTables, columnStep, inputs, columns, outputs + row, start, end); break;
                    case 3: Rows3(groupTables, columnStep, inputs, columns, outputs + row, start, end); break;
                    case 2: Rows2(groupTables, columnStep, inputs, columns, outputs + row, start, end); break;
                    default: Rows1(groupTables, columnStep, inputs, columns, outputs + row, start, end); break;
                }
            }
        }
    }

    // Each RowsN walks positions in steps of a few vectors and, inside, the input columns two at a time so that
    // one ternary XOR folds both products into an accumulator. An odd column count starts with a single column.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4(byte* tables, nint columnStep, byte** inputs, int columns, byte** outputs, nint start, nint end)
    {
        nint width = TOps.Width, stride = TOps.TableStride;
        byte* o0 = outputs[0], o1 = outputs[1], o2 = outputs[2], o3 = outputs[3];
        bool odd = (columns & 1) != 0;
        nint pos = start;
        for (; pos + 2 * width <= end; pos += 2 * width)
        {
            byte* t = tables;
            TVector a0, a1, a2, a3, b0, b1, b2, b3;
            int c;
            if (odd)
            {
                byte* p = inputs[0] + pos;
                var d = TOps.Load(p); var e = TOps.Load(p + width);
                a0 = TOps.Multiply(d, t); b0 = TOps.Multiply(e, t);
                a1 = TOps.Multiply(d, t + stride); b1 = TOps.Multiply(e, t + stride);
                a2 = TOps.Multiply(d, t + 2 * stride); b2 = TOps.Multiply(e, t + 2 * stride);
                a3 = TOps.Multiply(d, t + 3 * stride); b3 = TOps.Multiply(e, t + 3 * stride);
                t += columnStep;
                c = 1;
            }
            else
            {
                byte* p = inputs[0] + pos, q = inputs[1] + pos;
                byte* u = t + columnStep;
                var d = TOps.Load(p); var e = TOps.Load(p + width);
                var f = TOps.Load(q); var g = TOps.Load(q + width);
                a0 = TOps.Xor(TOps.Multiply(d, t), TOps.Multiply(f, u)); b0 = TOps.Xor(TOps.Multiply(e, t), TOps.Multiply(g, u));
                a1 = TOps.Xor(TOps.Multiply(d, t + stride), TOps.Multiply(f, u + stride)); b1 = TOps.Xor(TOps.Multiply(e, t + stride), TOps.Multiply(g, u + stride));
                a2 = TOps.Xor(TOps.Multiply(d, t + 2 * stride), TOps.Multiply(f, u + 2 * stride)); b2 = TOps.Xor(TOps.Multiply(e, t + 2 * stride), TOps.Multiply(g, u + 2 * stride));
                a3 = TOps.Xor(TOps.Multiply(d, t + 3 * stride), TOps.Multiply(f, u + 3 * stride)); b3 = TOps.Xor(TOps.Multiply(e, t + 3 * stride), TOps.Multiply(g, u + 3 * stride));
                t += 2 * columnStep;
                c = 2;
            }
            for (; c < columns; c += 2)
            {
                byte* p = inputs[c] + pos, q = inputs[c + 1] + pos;
                byte* u = t + columnStep;
                var d = TOps.Load(p); var e = TOps.Load(p + width);
                var f = TOps.Load(q); var g = TOps.Load(q + width);
                a0 = TOps.Xor3(a0, TOps.Multiply(d, t), TOps.Multiply(f, u)); b0 = TOps.Xor3(b0, TOps.Multiply(e, t), TOps.Multiply(g, u));
                a1 = TOps.Xor3(a1, TOps.Multiply(d, t + stride), TOps.Multiply(f, u + stride)); b1 = TOps.Xor3(b1, TOps.Multiply(e, t + stride), TOps.Multiply(g, u + stride));
                a2 = TOps.Xor3(a2, TOps.Multiply(d, t + 2 * stride), TOps.Multiply(f, u + 2 * stride)); b2 = TOps.Xor3(b2, TOps.Multiply(e, t + 2 * stride), TOps.Multiply(g, u + 2 * stride));
                a3 = TOps.Xor3(a3, TOps.Multiply(d, t + 3 * stride), TOps.Multiply(f, u + 3 * stride)); b3 = TOps.Xor3(b3, TOps.Multiply(e, t + 3 * stride), TOps.Multiply(g, u + 3 * stride));
                t += 2 * columnStep;
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o0 + pos + width, b0);
            TOps.Store(o1 + pos, a1); TOps.Store(o1 + pos + width, b1);
            TOps.Store(o2 + pos, a2); TOps.Store(o2 + pos + width, b2);
            TOps.Store(o3 + pos, a3); TOps.Store(o3 + pos + width, b3);
        }
        for (; pos < end; pos += width)
        {
            byte* t = tables;
            var d = TOps.Load(inputs[0] + pos);
            var a0 = TOps.Multiply(d, t); var a1 = TOps.Multiply(d, t + stride);
            var a2 = TOps.Multiply(d, t + 2 * stride); var a3 = TOps.Multiply(d, t + 3 * stride);
            for (int c = 1; c < columns; c++)
            {
                t += columnStep;
                d = TOps.Load(inputs[c] + pos);
                a0 = TOps.Xor(a0, TOps.Multiply(d, t)); a1 = TOps.Xor(a1, TOps.Multiply(d, t + stride));
                a2 = TOps.Xor(a2, TOps.Multiply(d, t + 2 * stride)); a3 = TOps.Xor(a3, TOps.Multiply(d, t + 3 * stride));
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o1 + pos, a1); TOps.Store(o2 + pos, a2); TOps.Store(o3 + pos, a3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows3(byte* tables, nint columnStep, byte** inputs, int columns, byte** outputs, nint start, nint end)
    {
        nint width = TOps.Width, stride = TOps.TableStride;
        byte* o0 = outputs[0], o1 = outputs[1], o2 = outputs[2];
        bool odd = (columns & 1) != 0;
        nint pos = start;
        for (; pos + 2 * width <= end; pos += 2 * width)
        {
            byte* t = tables;
            TVector a0, a1, a2, b0, b1, b2;
            int c;
            if (odd)
            {
                byte* p = inputs[0] + pos;
                var d = TOps.Load(p); var e = TOps.Load(p + width);
                a0 = TOps.Multiply(d, t); b0 = TOps.Multiply(e, t);
                a1 = TOps.Multiply(d, t + stride); b1 = TOps.Multiply(e, t + stride);
                a2 = TOps.Multiply(d, t + 2 * stride); b2 = TOps.Multiply(e, t + 2 * stride);
                t += columnStep;
                c = 1;
            }
            else
            {
                byte* p = inputs[0] + pos, q = inputs[1] + pos;
                byte* u = t + columnStep;
                var d = TOps.Load(p); var e = TOps.Load(p + width);
                var f = TOps.Load(q); var g = TOps.Load(q + width);
                a0 = TOps.Xor(TOps.Multiply(d, t), TOps.Multiply(f, u)); b0 = TOps.Xor(TOps.Multiply(e, t), TOps.Multiply(g, u));
                a1 = TOps.Xor(TOps.Multiply(d, t + stride), TOps.Multiply(f, u + stride)); b1 = TOps.Xor(TOps.Multiply(e, t + stride), TOps.Multiply(g, u + stride));
                a2 = TOps.Xor(TOps.Multiply(d, t + 2 * stride), TOps.Multiply(f, u + 2 * stride)); b2 = TOps.Xor(TOps.Multiply(e, t + 2 * stride), TOps.Multiply(g, u + 2 * stride));
                t += 2 * columnStep;
                c = 2;
            }
            for (; c < columns; c += 2)
            {
                byte* p = inputs[c] + pos, q = inputs[c + 1] + pos;
                byte* u = t + columnStep;
                var d = TOps.Load(p); var e = TOps.Load(p + width);
                var f = TOps.Load(q); var g = TOps.Load(q + width);
                a0 = TOps.Xor3(a0, TOps.Multiply(d, t), TOps.Multiply(f, u)); b0 = TOps.Xor3(b0, TOps.Multiply(e, t), TOps.Multiply(g, u));
                a1 = TOps.Xor3(a1, TOps.Multiply(d, t + stride), TOps.Multiply(f, u + stride)); b1 = TOps.Xor3(b1, TOps.Multiply(e, t + stride), TOps.Multiply(g, u + stride));
                a2 = TOps.Xor3(a2, TOps.Multiply(d, t + 2 * stride), TOps.Multiply(f, u + 2 * stride)); b2 = TOps.Xor3(b2, TOps.Multiply(e, t + 2 * stride), TOps.Multiply(g, u + 2 * stride));
                t += 2 * columnStep;
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o0 + pos + width, b0);
            TOps.Store(o1 + pos, a1); TOps.Store(o1 + pos + width, b1);
            TOps.Store(o2 + pos, a2); TOps.Store(o2 + pos + width, b2);
        }
        for (; pos < end; pos += width)
        {
            byte* t = tables;
            var d = TOps.Load(inputs[0] + pos);
            var a0 = TOps.Multiply(d, t); var a1 = TOps.Multiply(d, t + stride); var a2 = TOps.Multiply(d, t + 2 * stride);
            for (int c = 1; c < columns; c++)
            {
                t += columnStep;
                d = TOps.Load(inputs[c] + pos);
                a0 = TOps.Xor(a0, TOps.Multiply(d, t)); a1 = TOps.Xor(a1, TOps.Multiply(d, t + stride)); a2 = TOps.Xor(a2, TOps.Multiply(d, t + 2 * stride));
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o1 + pos, a1); TOps.Store(o2 + pos, a2);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows2(byte* tables, nint columnStep, byte** inputs, int columns, byte** outputs, nint start, nint end)
    {
        nint width = TOps.Width, stride = TOps.TableStride;
        byte* o0 = outputs[0], o1 = outputs[1];
        bool odd = (columns & 1) != 0;
        nint pos = start;
        for (; pos + 4 * width <= end; pos += 4 * width)
        {
            byte* t = tables;
            TVector a0, a1, a2, a3, b0, b1, b2, b3;
            int c;
            if (odd)
            {
                byte* p = inputs[0] + pos;
                var d0 = TOps.Load(p); var d1 = TOps.Load(p + width); var d2 = TOps.Load(p + 2 * width); var d3 = TOps.Load(p + 3 * width);
                a0 = TOps.Multiply(d0, t); a1 = TOps.Multiply(d1, t); a2 = TOps.Multiply(d2, t); a3 = TOps.Multiply(d3, t);
                b0 = TOps.Multiply(d0, t + stride); b1 = TOps.Multiply(d1, t + stride); b2 = TOps.Multiply(d2, t + stride); b3 = TOps.Multiply(d3, t + stride);
                t += columnStep;
                c = 1;
            }
            else
            {
                a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = default;
                c = 0;
            }
            for (; c < columns; c += 2)
            {
                byte* p = inputs[c] + pos, q = inputs[c + 1] + pos;
                byte* u = t + columnStep;
                var d0 = TOps.Load(p); var d1 = TOps.Load(p + width); var d2 = TOps.Load(p + 2 * width); var d3 = TOps.Load(p + 3 * width);
                var f0 = TOps.Load(q); var f1 = TOps.Load(q + width); var f2 = TOps.Load(q + 2 * width); var f3 = TOps.Load(q + 3 * width);
                a0 = TOps.Xor3(a0, TOps.Multiply(d0, t), TOps.Multiply(f0, u)); a1 = TOps.Xor3(a1, TOps.Multiply(d1, t), TOps.Multiply(f1, u));
                a2 = TOps.Xor3(a2, TOps.Multiply(d2, t), TOps.Multiply(f2, u)); a3 = TOps.Xor3(a3, TOps.Multiply(d3, t), TOps.Multiply(f3, u));
                b0 = TOps.Xor3(b0, TOps.Multiply(d0, t + stride), TOps.Multiply(f0, u + stride)); b1 = TOps.Xor3(b1, TOps.Multiply(d1, t + stride), TOps.Multiply(f1, u + stride));
                b2 = TOps.Xor3(b2, TOps.Multiply(d2, t + stride), TOps.Multiply(f2, u + stride)); b3 = TOps.Xor3(b3, TOps.Multiply(d3, t + stride), TOps.Multiply(f3, u + stride));
                t += 2 * columnStep;
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o0 + pos + width, a1); TOps.Store(o0 + pos + 2 * width, a2); TOps.Store(o0 + pos + 3 * width, a3);
            TOps.Store(o1 + pos, b0); TOps.Store(o1 + pos + width, b1); TOps.Store(o1 + pos + 2 * width, b2); TOps.Store(o1 + pos + 3 * width, b3);
        }
        for (; pos < end; pos += width)
        {
            byte* t = tables;
            var d = TOps.Load(inputs[0] + pos);
            var a0 = TOps.Multiply(d, t); var a1 = TOps.Multiply(d, t + stride);
            for (int c = 1; c < columns; c++)
            {
                t += columnStep;
                d = TOps.Load(inputs[c] + pos);
                a0 = TOps.Xor(a0, TOps.Multiply(d, t)); a1 = TOps.Xor(a1, TOps.Multiply(d, t + stride));
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o1 + pos, a1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows1(byte* tables, nint columnStep, byte** inputs, int columns, byte** outputs, nint start, nint end)
    {
        nint width = TOps.Width;
        byte* o0 = outputs[0];
        bool odd = (columns & 1) != 0;
        nint pos = start;
        for (; pos + 4 * width <= end; pos += 4 * width)
        {
            byte* t = tables;
            TVector a0, a1, a2, a3;
            int c;
            if (odd)
            {
                byte* p = inputs[0] + pos;
                a0 = TOps.Multiply(TOps.Load(p), t); a1 = TOps.Multiply(TOps.Load(p + width), t);
                a2 = TOps.Multiply(TOps.Load(p + 2 * width), t); a3 = TOps.Multiply(TOps.Load(p + 3 * width), t);
                t += columnStep;
                c = 1;
            }
            else
            {
                a0 = a1 = a2 = a3 = default;
                c = 0;
            }
            for (; c < columns; c += 2)
            {
                byte* p = inputs[c] + pos, q = inputs[c + 1] + pos;
                byte* u = t + columnStep;
                a0 = TOps.Xor3(a0, TOps.Multiply(TOps.Load(p), t), TOps.Multiply(TOps.Load(q), u));
                a1 = TOps.Xor3(a1, TOps.Multiply(TOps.Load(p + width), t), TOps.Multiply(TOps.Load(q + width), u));
                a2 = TOps.Xor3(a2, TOps.Multiply(TOps.Load(p + 2 * width), t), TOps.Multiply(TOps.Load(q + 2 * width), u));
                a3 = TOps.Xor3(a3, TOps.Multiply(TOps.Load(p + 3 * width), t), TOps.Multiply(TOps.Load(q + 3 * width), u));
                t += 2 * columnStep;
            }
            TOps.Store(o0 + pos, a0); TOps.Store(o0 + pos + width, a1); TOps.Store(o0 + pos + 2 * width, a2); TOps.Store(o0 + pos + 3 * width, a3);
        }
        for (; pos < end; pos += width)
        {
            byte* t = tables;
            var a0 = TOps.Multiply(TOps.Load(inputs[0] + pos), t);
            for (int c = 1; c < columns; c++)
            {
                t += columnStep;
                a0 = TOps.Xor(a0, TOps.Multiply(TOps.Load(inputs[c] + pos), t));
            }
            TOps.Store(o0 + pos, a0);
        }
    }
}
