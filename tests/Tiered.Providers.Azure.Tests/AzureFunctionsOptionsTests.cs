namespace Tiered.Providers.Azure.Tests;

/// <summary>Options: defaults, names, URLs, and validation messages naming the key.</summary>
public sealed class AzureFunctionsOptionsTests
{
    private static AzureFunctionsOptions Valid() => new() { FunctionCount = 12, FunctionKey = "k" };

    [Fact]
    public void Defaults_are_Flex_Consumption_2048_MB_and_the_230_second_HTTP_limit()
    {
        var o = new AzureFunctionsOptions();

        Assert.Equal(AzureFunctionsPlan.FlexConsumption, o.Plan);
        Assert.Equal(2048, o.MemoryMiB);
        Assert.Equal(TimeSpan.FromSeconds(230), o.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(260), o.EffectiveHttpTimeout);
        Assert.Equal(100, o.MaxConcurrency);
        Assert.Equal(3, o.MaxRetries);
        Assert.Equal("api", o.RoutePrefix);
        Assert.Equal("node", o.FunctionRoute);
        Assert.Equal("tiered-node-", o.FunctionNamePrefix);
        Assert.Empty(Valid().GetValidationErrors());
    }

    [Fact]
    public void Generated_names_are_zero_padded_to_three_digits_or_more()
    {
        Assert.Equal(["tiered-node-000", "tiered-node-001", "tiered-node-002"], new AzureFunctionsOptions { FunctionCount = 3 }.ResolveFunctionNames());
        var many = new AzureFunctionsOptions { FunctionNamePrefix = "contoso-", FunctionCount = 1001 }.ResolveFunctionNames();
        Assert.Equal("contoso-0000", many[0]);
        Assert.Equal("contoso-1000", many[^1]);
        Assert.Equal(["a1", "b2"], new AzureFunctionsOptions { FunctionNames = [" a1 ", "b2"], FunctionCount = 7 }.ResolveFunctionNames());
    }

    [Theory]
    [InlineData(null, null, "api", "node", "tiered-node-007", "https://tiered-node-007.azurewebsites.net/api/node")]
    [InlineData("tiered-dev", null, "api", "node", "tiered-node-007", "https://tiered-dev.azurewebsites.net/api/node/tiered-node-007")]
    [InlineData(null, "https://{app}.azurewebsites.us", "api", "node", "n-1", "https://n-1.azurewebsites.us/api/node")]
    [InlineData(null, "http://127.0.0.1:7071", "api", "node", "n-1", "http://127.0.0.1:7071/api/node")]
    [InlineData("dev", "http://127.0.0.1:7071/", "", "node", "n-1", "http://127.0.0.1:7071/node/n-1")]
    [InlineData(null, "http://localhost:5000/apps/{app}/", "/fn/", "/tiered/node/", "n-1", "http://localhost:5000/apps/n-1/fn/tiered/node")]
    public void Names_map_to_apps_and_routes(string? appName, string? baseUrl, string prefix, string route, string name, string expected)
    {
        var o = new AzureFunctionsOptions { AppName = appName, BaseUrl = baseUrl, RoutePrefix = prefix, FunctionRoute = route };
        Assert.Equal(new Uri(expected), o.ResolveFunctionUrl(name));
        Assert.Equal(appName ?? name, o.ResolveAppName(name));
    }

    [Fact]
    public void Secret_names_replace_the_function_placeholder()
    {
        Assert.Equal("tiered-node-003-key", new AzureFunctionsOptions { KeyVaultSecretName = "{function}-key" }.ResolveSecretName("tiered-node-003"));
        Assert.Equal("shared", new AzureFunctionsOptions { KeyVaultSecretName = "shared" }.ResolveSecretName("tiered-node-003"));
        Assert.Null(new AzureFunctionsOptions().ResolveSecretName("x"));
    }

    [Theory]
    [InlineData("FunctionCount=0", "AzureFunctionsOptions.FunctionNames or AzureFunctionsOptions.FunctionCount is required")]
    [InlineData("FunctionNamePrefix=-bad", "AzureFunctionsOptions.FunctionNamePrefix '-bad' must start with a letter or digit")]
    [InlineData("FunctionNamePrefix=under_score-", "AzureFunctionsOptions.FunctionNamePrefix 'under_score-' must start with a letter or digit and hold only letters, digits and '-'")]
    [InlineData("FunctionNamePrefix=a-very-long-prefix-for-function-app-names-that-goes-on-and-on-", "function app names have at most 60 characters")]
    [InlineData("FunctionNames=ok-1,bad_name", "AzureFunctionsOptions.FunctionNames 'bad_name' is not a function app name (2–60 letters, digits and '-', not starting or ending with '-').")]
    [InlineData("FunctionNames=node-a,NODE-A", "AzureFunctionsOptions.FunctionNames contains 'NODE-A' twice (app names are case-insensitive).")]
    [InlineData("AppName=bad app", "AzureFunctionsOptions.AppName 'bad app' is not a function app name")]
    [InlineData("BaseUrl=127.0.0.1:7071", "AzureFunctionsOptions.BaseUrl '127.0.0.1:7071' is not an absolute http or https URL without query")]
    [InlineData("BaseUrl=https://{region}.example.com", "'{app}' is the only placeholder")]
    [InlineData("BaseUrl=https://x.example.com/?q=1", "AzureFunctionsOptions.BaseUrl 'https://x.example.com/?q=1' is not an absolute http or https URL without query")]
    [InlineData("FunctionRoute=", "AzureFunctionsOptions.FunctionRoute '' is not a route")]
    [InlineData("RoutePrefix=a b", "AzureFunctionsOptions.RoutePrefix 'a b' is not a route prefix")]
    [InlineData("MemoryMiB=1536", "AzureFunctionsOptions.MemoryMiB must be one of the FlexConsumption instance sizes: 512, 2048, 4096 (was 1536).")]
    [InlineData("Plan=Premium;MemoryMiB=16384", "AzureFunctionsOptions.MemoryMiB must be from 128 to 14336 on Premium — the memory one node may use of its instance (EP1 3584, EP2 7168, EP3 14336 MiB, shared by the apps on it) (was 16384).")]
    [InlineData("Timeout=00:05:00", "AzureFunctionsOptions.Timeout must be positive and at most 00:03:50 — Azure's load balancer ends an HTTP-triggered function's request after 230 s whatever functionTimeout says (was 00:05:00).")]
    [InlineData("Timeout=00:00:00", "AzureFunctionsOptions.Timeout must be positive")]
    [InlineData("HttpTimeout=00:03:00", "AzureFunctionsOptions.HttpTimeout must exceed AzureFunctionsOptions.Timeout (00:03:50)")]
    [InlineData("ConnectTimeout=00:00:00", "AzureFunctionsOptions.ConnectTimeout must be positive")]
    [InlineData("MaxConcurrency=0", "AzureFunctionsOptions.MaxConcurrency must be positive (was 0).")]
    [InlineData("MaxRetries=-1", "AzureFunctionsOptions.MaxRetries must be from 0 to 100 (was -1).")]
    [InlineData("RetryMaxDelay=00:00:00.010", "AzureFunctionsOptions.RetryMaxDelay must be at least AzureFunctionsOptions.RetryBaseDelay")]
    [InlineData("FunctionKey=", "AzureFunctionsOptions.FunctionKey is required: the function key the apps accept as x-functions-key (set it through the environment, Tiered__Backend__Azure__FunctionKey, or keep it in Key Vault")]
    [InlineData("KeyVaultUri=https://v.vault.azure.net/", "AzureFunctionsOptions.FunctionKey/AzureFunctionsOptions.FunctionKeys and AzureFunctionsOptions.KeyVaultUri are both set")]
    [InlineData("FunctionKey=;KeyVaultUri=https://v.vault.azure.net/", "AzureFunctionsOptions.KeyVaultSecretName is required with AzureFunctionsOptions.KeyVaultUri")]
    [InlineData("FunctionKey=;KeyVaultSecretName=k", "AzureFunctionsOptions.KeyVaultUri is required with AzureFunctionsOptions.KeyVaultSecretName")]
    [InlineData("FunctionKey=;KeyVaultUri=http://v.vault.azure.net/;KeyVaultSecretName=k", "AzureFunctionsOptions.KeyVaultUri 'http://v.vault.azure.net/' is not an https URL of a vault")]
    [InlineData("FunctionKey=;KeyVaultUri=https://v.vault.azure.net/;KeyVaultSecretName=bad_name", "AzureFunctionsOptions.KeyVaultSecretName 'bad_name' is not a Key Vault secret name")]
    [InlineData("ManagedIdentityClientId=abc", "AzureFunctionsOptions.ManagedIdentityClientId is set but the key does not come from Key Vault")]
    public void A_bad_setting_is_named(string settings, string expected)
    {
        var o = Valid();
        foreach (var setting in settings.Split(';'))
        {
            var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            switch (name)
            {
                case "FunctionCount": o.FunctionCount = int.Parse(value); break;
                case "FunctionNamePrefix": o.FunctionNamePrefix = value; break;
                case "FunctionNames": o.FunctionNames = value.Split(',').ToList(); break;
                case "AppName": o.AppName = value; break;
                case "BaseUrl": o.BaseUrl = value; break;
                case "FunctionRoute": o.FunctionRoute = value; break;
                case "RoutePrefix": o.RoutePrefix = value; break;
                case "MemoryMiB": o.MemoryMiB = int.Parse(value); break;
                case "Plan": o.Plan = Enum.Parse<AzureFunctionsPlan>(value); break;
                case "Timeout": o.Timeout = TimeSpan.Parse(value); break;
                case "HttpTimeout": o.HttpTimeout = TimeSpan.Parse(value); break;
                case "ConnectTimeout": o.ConnectTimeout = TimeSpan.Parse(value); break;
                case "MaxConcurrency": o.MaxConcurrency = int.Parse(value); break;
                case "MaxRetries": o.MaxRetries = int.Parse(value); break;
                case "RetryMaxDelay": o.RetryMaxDelay = TimeSpan.Parse(value); break;
                case "FunctionKey": o.FunctionKey = value.Length == 0 ? null : value; break;
                case "KeyVaultUri": o.KeyVaultUri = value; break;
                case "KeyVaultSecretName": o.KeyVaultSecretName = value; break;
                case "ManagedIdentityClientId": o.ManagedIdentityClientId = value; break;
                default: throw new ArgumentException(name);
            }
        }

        var errors = o.GetValidationErrors();

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        var thrown = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => o.Validate());
        Assert.Contains(expected, thrown.Message);
    }

    [Fact]
    public void Valid_key_sources_pass()
    {
        Assert.Empty(new AzureFunctionsOptions { FunctionCount = 2, KeyVaultUri = "https://v.vault.azure.net/", KeyVaultSecretName = "{function}-key", ManagedIdentityClientId = "c" }.GetValidationErrors());
        Assert.Empty(new AzureFunctionsOptions { FunctionNames = ["a1", "b2"], FunctionKeys = { ["a1"] = "x", ["B2"] = "y" } }.GetValidationErrors());
        Assert.Empty(new AzureFunctionsOptions { FunctionCount = 2, BaseUrl = "http://127.0.0.1:7071" }.GetValidationErrors());   // local hosts check no keys
        Assert.Empty(new AzureFunctionsOptions { FunctionCount = 2, FunctionKey = "k", Plan = AzureFunctionsPlan.Premium, MemoryMiB = 14336 }.GetValidationErrors());
        Assert.Empty(new AzureFunctionsOptions { FunctionCount = 2, FunctionKey = "k", Plan = AzureFunctionsPlan.Premium, MemoryMiB = 2048 }.GetValidationErrors());
        Assert.Empty(new AzureFunctionsOptions { FunctionCount = 2, FunctionKey = "k", MemoryMiB = 512 }.GetValidationErrors());
    }

    [Fact]
    public void FunctionKeys_missing_a_name_without_a_shared_key_names_the_missing_ones()
    {
        var o = new AzureFunctionsOptions { FunctionCount = 3, FunctionKeys = { ["tiered-node-000"] = "x" } };
        Assert.Contains("AzureFunctionsOptions.FunctionKeys has no key for tiered-node-001, tiered-node-002, and AzureFunctionsOptions.FunctionKey is not set.", o.GetValidationErrors());
    }

    [Fact]
    public void In_one_app_names_are_routes()
    {
        var o = new AzureFunctionsOptions { AppName = "tiered-dev", FunctionNames = ["node_a", "n.1"], FunctionKey = "k" };
        Assert.Empty(o.GetValidationErrors());
        o.FunctionNames.Add("a/b");
        Assert.Contains("AzureFunctionsOptions.FunctionNames 'a/b' is not a route segment (letters, digits, '-', '_', '.').", o.GetValidationErrors());
    }

    [Fact]
    public void A_placeholder_secret_name_must_give_valid_names_for_every_function()
    {
        var o = new AzureFunctionsOptions { AppName = "dev", FunctionNames = ["node_a"], KeyVaultUri = "https://v.vault.azure.net/", KeyVaultSecretName = "{function}-key" };
        Assert.Contains("AzureFunctionsOptions.KeyVaultSecretName '{function}-key' gives 'node_a-key' for 'node_a', which is not a Key Vault secret name (letters, digits and '-').", o.GetValidationErrors());
    }

    [Fact]
    public void Clone_is_independent()
    {
        var o = new AzureFunctionsOptions { FunctionNames = ["a1"], FunctionKeys = { ["a1"] = "x" } };
        var copy = o.Clone();
        o.FunctionNames.Add("b2");
        o.FunctionKeys["a1"] = "changed";
        Assert.Equal(["a1"], copy.FunctionNames);
        Assert.Equal("x", copy.FunctionKeys["A1"]);
        Assert.Equal(new Tiered.Functions.FunctionLimits(2048L * 1024 * 1024, TimeSpan.FromSeconds(230), 100, StorageFraction: 0.6), copy.ToLimits());
    }
}
