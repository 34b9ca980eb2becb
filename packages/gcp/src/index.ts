export * from './target';
export * from './resources';
// What Google Cloud builds for the front doors (GpuWorkspace, WorkspaceNetwork, WorkspaceFleet, UsageExporter).
import './register';
