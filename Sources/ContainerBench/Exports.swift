// The ContainerBench library is the run session on top of the layers below; a client (the CLI, the tests, a
// program embedding containerbench) imports this one module and sees every layer's public API.
@_exported import ContainerBenchAnalysis
@_exported import ContainerBenchBuild
@_exported import ContainerBenchEngine
@_exported import ContainerBenchHistory
@_exported import ContainerBenchMeasure
@_exported import ContainerBenchModel
@_exported import ContainerBenchPlot
@_exported import ContainerBenchReport
@_exported import ContainerBenchStatistics
@_exported import ContainerBenchSupport
