using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tiered.Functions;
using Xunit;

namespace Tiered.Providers.Local.Tests;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task Registers_the_platform_as_the_function_backend_with_a_handler_type()
    {
        var time = Fixture.Time();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<Greeting>();
        services.AddTieredLocalFunctions<GreetingHandler>(o =>
        {
            o.FunctionCount = 3;
            o.ColdStartDelay = TimeSpan.FromSeconds(1);
        });
        await using var provider = services.BuildServiceProvider();

        var backend = provider.GetRequiredService<IFunctionBackend>();
        var platform = Assert.IsType<LocalFunctionPlatform>(backend);
        Assert.Same(platform, provider.GetRequiredService<LocalFunctionPlatform>());
        Assert.Same(time, platform.TimeProvider);
        Assert.Equal(3, backend.Functions.Count);

        var running = backend.InvokeAsync(Fixture.Invocation());
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await running.Within();
        Assert.Equal($"hello from {result.InstanceId}", System.Text.Encoding.UTF8.GetString(result.Response.Span));
    }

    [Fact]
    public async Task Uses_a_registered_factory_or_func_and_explains_when_there_is_none()
    {
        var withFunc = new ServiceCollection();
        withFunc.AddSingleton<Func<IFunctionHandler>>(() => new CounterHandler());
        withFunc.AddTieredLocalFunctions(o => o.ColdStartDelay = TimeSpan.Zero);
        await using (var provider = withFunc.BuildServiceProvider())
        {
            var result = await provider.GetRequiredService<IFunctionBackend>().InvokeAsync(Fixture.Invocation()).Within();
            Assert.Equal(1, CounterHandler.Decode(result.Response));
        }

        var withDelegate = new ServiceCollection();
        withDelegate.AddTieredLocalFunctions(o => o.ColdStartDelay = TimeSpan.Zero, (_, instance) => new LambdaHandler((_, _, _) =>
            Task.FromResult<ReadOnlyMemory<byte>>(System.Text.Encoding.UTF8.GetBytes(instance.FunctionName))));
        await using (var provider = withDelegate.BuildServiceProvider())
        {
            var result = await provider.GetRequiredService<IFunctionBackend>().InvokeAsync(Fixture.Invocation(Fixture.F1)).Within();
            Assert.Equal(Fixture.F1, System.Text.Encoding.UTF8.GetString(result.Response.Span));
        }

        var none = new ServiceCollection();
        none.AddTieredLocalFunctions(_ => { });
        await using (var provider = none.BuildServiceProvider())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IFunctionBackend>());
            Assert.Contains("ILocalFunctionHandlerFactory", ex.Message);
        }
    }

    [Fact]
    public void Invalid_options_fail_when_the_platform_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddTieredLocalFunctions<GreetingHandler>(o => o.MaxConcurrency = -1);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IFunctionBackend>());
        Assert.Contains("LocalFunctionOptions.MaxConcurrency must be positive (was -1).", ex.Failures);
    }

    [Fact]
    public void A_synchronously_disposed_container_disposes_the_platform()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Greeting>();
        services.AddTieredLocalFunctions<GreetingHandler>(_ => { });
        var provider = services.BuildServiceProvider();
        var platform = provider.GetRequiredService<LocalFunctionPlatform>();
        provider.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { _ = platform.InvokeAsync(Fixture.Invocation()); });
    }

    public sealed class Greeting
    {
        public string Text => "hello";
    }

    public sealed class GreetingHandler(Greeting greeting, LocalInstanceContext instance) : IFunctionHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
            => Task.FromResult<ReadOnlyMemory<byte>>(System.Text.Encoding.UTF8.GetBytes($"{greeting.Text} from {instance.InstanceId}"));
    }
}
