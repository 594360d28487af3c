namespace Tiered.Placement;

/// <summary>Trial-division primality for table sizes.</summary>
internal static class Primes
{
    public static bool IsPrime(long value)
    {
        if (value < 2) return false;
        if (value % 2 == 0) return value == 2;
        for (long d = 3; d * d <= value; d += 2)
            if (value % d == 0) return false;
        return true;
    }
}
