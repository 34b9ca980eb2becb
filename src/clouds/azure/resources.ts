import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';

/** The resources a `GpuWorkspace` creates on Azure, for escape-hatch access. */
export interface AzureWorkspaceResources {
  /** The VM. */
  readonly virtualMachine: LinuxVirtualMachine;
}
