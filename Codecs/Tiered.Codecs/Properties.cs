// The codecs stackalloc pointer tables on hot paths and always write them before reading.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
