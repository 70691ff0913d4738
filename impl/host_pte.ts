/** A host pte as the change_pte notifier passes it (pte_t): the new pfn and whether it is writable. */
export interface pte_t {
  pfn: number;
  write: boolean;
}
