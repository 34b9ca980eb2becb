export * from './core/access';
export * from './core/auth';
export * from './core/cloud-target';
export * from './core/dns';
export * from './core/gpu';
export * from './core/labels';
export * from './core/size';
export * from './core/tls';
export * from './core/versions';
export * from './clouds/aws/resources';
export * from './clouds/azure/resources';
export * from './clouds/gcp/resources';
export * from './workspace/gpu-workspace';
// Each cloud registers what it does for a workspace (the front door asks the target for it).
import './clouds/gcp';
import './clouds/aws';
import './clouds/azure';
export * from './policy';
