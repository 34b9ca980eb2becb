export * from './target';
export * from './resources';
// What AWS builds for the front doors (GpuWorkspace, WorkspaceNetwork, WorkspaceFleet).
import './register';
