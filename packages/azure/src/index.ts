export * from './target';
export * from './resources';
// What Azure builds for the front doors (GpuWorkspace, WorkspaceNetwork, WorkspaceFleet, UsageExporter).
import './register';
