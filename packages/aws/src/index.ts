export * from './target';
export * from './resources';
export * from './cost-allocation-tags';
// What AWS builds for the front doors (GpuWorkspace, WorkspaceNetwork, WorkspaceFleet, UsageExporter).
import './register';
