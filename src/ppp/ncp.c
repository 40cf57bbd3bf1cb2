/*
 * ncp.c - the setup that IPCP and IPV6CP share (see ncp.h).
 */
#include "ncp.h"

void ncp_fsm_init(struct ppp_fsm *fsm, const struct fsm_ops *ops,
                  const struct ppp_settings *settings, const struct fsm_parent *parent)
{
    const struct fsm_config config = fsm_config_from_settings(settings);

    fsm_init(fsm, ops, parent, &config);
    ops->reset(fsm);
}
