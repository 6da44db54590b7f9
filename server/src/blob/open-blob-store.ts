// Chooses the BlobStore: Azure Blob Storage when BLOB_CONNECTION_STRING is set, the local folder BLOB_DIR otherwise.
import { AzureBlobStore } from './azure-blob-store.js';
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';

export interface BlobConfig {
  connectionString?: string;
  /** The one container every object goes into (BLOB_CONTAINER). */
  container: string;
  /** The folder used without a connection string (BLOB_DIR). */
  dir: string;
}

export function openBlobStore(config: BlobConfig): BlobStore {
  return config.connectionString ? AzureBlobStore.open(config.connectionString, config.container) : new LocalBlobStore(config.dir);
}
