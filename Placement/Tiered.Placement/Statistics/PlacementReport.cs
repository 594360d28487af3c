namespace Tiered.Placement.Statistics;

/// <summary>What <see cref="PlacementStatistics.Measure"/> found for one strategy. Fractions are in [0, 1].</summary>
/// <param name="Strategy">The strategy's name with its parameters.</param>
/// <param name="Nodes">The number of nodes before any change.</param>
/// <param name="Keys">The number of keys placed.</param>
/// <param name="ChunksPerKey">1 for key placement, k+r for chunk placement.</param>
/// <param name="Loads">Keys (or chunks) per node, node-0 first.</param>
/// <param name="PeakToMean">The busiest node's load over the mean load.</param>
/// <param name="MinToMean">The idlest node's load over the mean load.</param>
/// <param name="CoefficientOfVariation">Standard deviation of the loads over their mean.</param>
/// <param name="MaxShareError">The largest relative difference between a node's share of the load and its share of the total weight.</param>
/// <param name="MovedOnAdd">The fraction of keys (chunks) on a different node after one node joins.</param>
/// <param name="IdealOnAdd">The fraction that must move: the newcomer's share, 1/(n+1) with equal weights.</param>
/// <param name="MovedBetweenSurvivorsOnAdd">The fraction that moved from one old node to another old node (0 for a monotone strategy).</param>
/// <param name="MovedOnRemove">The fraction on a different node after one node leaves.</param>
/// <param name="IdealOnRemove">The fraction that must move: the leaving node's share, 1/n with equal weights.</param>
/// <param name="MovedBetweenSurvivorsOnRemove">The fraction that moved although both its old and new node survived.</param>
/// <param name="NanosecondsPerLookup">Mean time of one lookup (one LocateDistinct for chunks) with pre-hashed keys, single thread.</param>
/// <param name="AddedNode">The name of the node that joined.</param>
/// <param name="RemovedNode">The name of the node that left.</param>
public sealed record PlacementReport(
    string Strategy,
    int Nodes,
    int Keys,
    int ChunksPerKey,
    long[] Loads,
    double PeakToMean,
    double MinToMean,
    double CoefficientOfVariation,
    double MaxShareError,
    double MovedOnAdd,
    double IdealOnAdd,
    double MovedBetweenSurvivorsOnAdd,
    double MovedOnRemove,
    double IdealOnRemove,
    double MovedBetweenSurvivorsOnRemove,
    double NanosecondsPerLookup,
    string AddedNode,
    string RemovedNode);
