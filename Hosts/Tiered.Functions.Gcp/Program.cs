using Tiered.Functions.Gcp;

// The Tiered node as a Google Cloud Run service / Cloud Run function: listens on $PORT, runs the node for each POST /.
return await FunctionHost.RunAsync(args);
