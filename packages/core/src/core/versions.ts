import { requireShapes } from './shapes';

/** A nixpkgs revision pinned by commit and NAR hash. */
export interface NixpkgsPinOptions {
  /** Full 40-character commit id. */
  readonly rev: string;
  /** SRI NAR hash of the unpacked tree, `sha256-...`. */
  readonly narHash: string;
  /**
   * @default 'NixOS'
   */
  readonly owner?: string;
  /**
   * @default 'nixpkgs'
   */
  readonly repo?: string;
}

/**
 * The nixpkgs a machine is built from. Pinned by revision and hash, never by branch: every
 * machine with the same pin gets the same packages, and rolling an update is changing the pin.
 */
export class NixpkgsPin {
  /**
   * The revision this release of the library is tested with (nixos-25.11, 2026-05-10). It is
   * the same revision `nix/flake.lock` locks.
   */
  public static readonly DEFAULT = new NixpkgsPin(
    'NixOS',
    'nixpkgs',
    '8fd9daa3db09ced9700431c5b7ad0e8ba199b575',
    'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=',
  );

  /**
   * Another revision, e.g. a newer commit of the release branch with security fixes. The
   * machine's image must trust it (`mlWorkspace.bootstrap.trustedNixpkgsRevisions`; the flake's
   * images trust the revision they were built from): the pin decides what the rebuild runs as
   * root, so a machine refuses a document pinning a revision its image does not list.
   */
  public static of(options: NixpkgsPinOptions): NixpkgsPin {
    requireShapes('NixpkgsPin.of', options, '{ rev, narHash, owner?, repo? }', { rev: 'string', narHash: 'string', owner: 'string', repo: 'string' });
    return new NixpkgsPin(options.owner ?? 'NixOS', options.repo ?? 'nixpkgs', options.rev, options.narHash);
  }

  private constructor(
    /** GitHub owner. */
    public readonly owner: string,
    /** GitHub repository. */
    public readonly repo: string,
    /** Commit id. */
    public readonly rev: string,
    /** SRI NAR hash. */
    public readonly narHash: string,
  ) {}
}
