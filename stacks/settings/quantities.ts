// The quantity parsers live with the components (which size memory from limits); settings validate with them.
export * from "../../components/shared/quantities";
