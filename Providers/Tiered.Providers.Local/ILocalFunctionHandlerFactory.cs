using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>
/// Creates the handler of each new function instance. The platform calls it once per cold start (after the
/// cold-start delay) and keeps the handler — and everything it holds — until the instance is reclaimed; then
/// it disposes the handler if it implements <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.
/// </summary>
public interface ILocalFunctionHandlerFactory
{
    /// <summary>A new handler for the instance described by <paramref name="instance"/>. An exception fails the cold start.</summary>
    IFunctionHandler CreateHandler(LocalInstanceContext instance);
}

/// <summary>An <see cref="ILocalFunctionHandlerFactory"/> over a delegate.</summary>
public sealed class DelegateLocalFunctionHandlerFactory : ILocalFunctionHandlerFactory
{
    private readonly Func<LocalInstanceContext, IFunctionHandler> _create;

    /// <summary>Wraps <paramref name="create"/>.</summary>
    public DelegateLocalFunctionHandlerFactory(Func<LocalInstanceContext, IFunctionHandler> create)
        => _create = create ?? throw new ArgumentNullException(nameof(create));

    /// <summary>Wraps a factory that does not need to know the instance.</summary>
    public DelegateLocalFunctionHandlerFactory(Func<IFunctionHandler> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = _ => create();
    }

    /// <inheritdoc />
    public IFunctionHandler CreateHandler(LocalInstanceContext instance) => _create(instance);
}
