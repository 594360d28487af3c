using System.Runtime.InteropServices;

namespace Tiered.Cli.Benchmarks;

/// <summary>
/// The few functions of Intel ISA-L (<c>libisal.so.2</c>, Debian's <c>libisal2</c>) that the codec benchmark
/// compares against, bound at run time with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> so that a
/// machine without the library reports it instead of crashing. Benchmark-only: nothing else depends on it.
/// </summary>
/// <remarks>
/// Signatures from ISA-L's <c>erasure_code.h</c> and <c>raid.h</c>. <c>xor_gen</c> and <c>pq_gen</c> need 32-byte
/// aligned buffers and a length that is a multiple of 32 (64 for the AVX-512 paths), hence
/// <see cref="AlignedBuffer"/>.
/// </remarks>
internal static unsafe class IsaL
{
    private static readonly string[] s_candidates = ["libisal.so.2", "libisal.so", "isal"];
    private static readonly Lazy<Binding?> s_binding = new(Load);
    private static string? s_loadError;

    /// <summary>True when the library and every function below were found.</summary>
    public static bool IsAvailable => s_binding.Value is not null;

    /// <summary>Why the library could not be used (null when it can).</summary>
    public static string? LoadError { get { _ = s_binding.Value; return s_loadError; } }

    /// <summary>The file name that loaded, e.g. <c>libisal.so.2</c>.</summary>
    public static string? LibraryName => s_binding.Value?.Name;

    /// <summary><c>void gf_gen_cauchy1_matrix(unsigned char *a, int m, int k)</c>: the m×k systematic Cauchy matrix.</summary>
    public static void GenerateCauchyMatrix(byte* a, int m, int k) => Bound.GenCauchy1Matrix(a, m, k);

    /// <summary><c>int gf_invert_matrix(unsigned char *in, unsigned char *out, const int n)</c>; destroys <paramref name="input"/>; 0 on success.</summary>
    public static int InvertMatrix(byte* input, byte* output, int n) => Bound.InvertMatrix(input, output, n);

    /// <summary><c>void ec_init_tables(int k, int rows, unsigned char *a, unsigned char *gftbls)</c>; gftbls is 32·k·rows bytes.</summary>
    public static void InitTables(int k, int rows, byte* a, byte* tables) => Bound.InitTables(k, rows, a, tables);

    /// <summary><c>void ec_encode_data(int len, int k, int rows, unsigned char *gftbls, unsigned char **data, unsigned char **coding)</c>.</summary>
    public static void EncodeData(int length, int k, int rows, byte* tables, byte** data, byte** coding) =>
        Bound.EncodeData(length, k, rows, tables, data, coding);

    /// <summary><c>int xor_gen(int vects, int len, void **array)</c>: array[vects-1] = XOR of the others; 0 on success.</summary>
    public static int XorGen(int vectors, int length, void** array) => Bound.XorGen(vectors, length, array);

    /// <summary><c>int pq_gen(int vects, int len, void **array)</c>: the last two pointers receive P and Q; 0 on success.</summary>
    public static int PqGen(int vectors, int length, void** array) => Bound.PqGen(vectors, length, array);

    private static Binding Bound => s_binding.Value ?? throw new InvalidOperationException($"ISA-L is not available: {LoadError}");

    private static Binding? Load()
    {
        IntPtr handle = IntPtr.Zero;
        string? name = null;
        foreach (string candidate in s_candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out handle)) { name = candidate; break; }
        }
        if (name is null)
        {
            s_loadError = $"none of {string.Join(", ", s_candidates)} could be loaded (install Debian's libisal2)";
            return null;
        }

        var missing = new List<string>();
        IntPtr Export(string symbol)
        {
            if (NativeLibrary.TryGetExport(handle, symbol, out IntPtr address)) return address;
            missing.Add(symbol);
            return IntPtr.Zero;
        }

        var binding = new Binding
        {
            Name = name,
            GenCauchy1Matrix = (delegate* unmanaged[Cdecl]<byte*, int, int, void>)Export("gf_gen_cauchy1_matrix"),
            InvertMatrix = (delegate* unmanaged[Cdecl]<byte*, byte*, int, int>)Export("gf_invert_matrix"),
            InitTables = (delegate* unmanaged[Cdecl]<int, int, byte*, byte*, void>)Export("ec_init_tables"),
            EncodeData = (delegate* unmanaged[Cdecl]<int, int, int, byte*, byte**, byte**, void>)Export("ec_encode_data"),
            XorGen = (delegate* unmanaged[Cdecl]<int, int, void**, int>)Export("xor_gen"),
            PqGen = (delegate* unmanaged[Cdecl]<int, int, void**, int>)Export("pq_gen"),
        };
        if (missing.Count > 0)
        {
            s_loadError = $"{name} lacks {string.Join(", ", missing)}";
            NativeLibrary.Free(handle);
            return null;
        }
        return binding;
    }

    private sealed class Binding
    {
        public required string Name { get; init; }
        public required delegate* unmanaged[Cdecl]<byte*, int, int, void> GenCauchy1Matrix { get; init; }
        public required delegate* unmanaged[Cdecl]<byte*, byte*, int, int> InvertMatrix { get; init; }
        public required delegate* unmanaged[Cdecl]<int, int, byte*, byte*, void> InitTables { get; init; }
        public required delegate* unmanaged[Cdecl]<int, int, int, byte*, byte**, byte**, void> EncodeData { get; init; }
        public required delegate* unmanaged[Cdecl]<int, int, void**, int> XorGen { get; init; }
        public required delegate* unmanaged[Cdecl]<int, int, void**, int> PqGen { get; init; }
    }
}
