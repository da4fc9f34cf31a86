interface ImportMetaEnv {
  /** Unique per build; Pagefind's cache tag and the service worker's cache name. */
  readonly PLAYBILL_BUILD_ID: string;
}
