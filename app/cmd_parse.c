/* PLACEHOLDER: being written; replace wholesale. */
int mv_cmd_parse_placeholder;
